"""The spider side of discovery, without a network: requests built from feeds and sitemaps."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from aggregator import settings as project_settings
from aggregator.items import ListingEntry
from aggregator.spiders.news import NewsSpider
from tests.fixtures.discovery import BILLION_LAUGHS
from tests.unit.test_sitemaps import INDEX, NEWS

SITE = "https://news.example"


def spider(**settings: Any) -> NewsSpider:
    # The project's own settings only: no extensions or pipelines for a spider without an engine.
    defaults = {k: v for k, v in vars(project_settings).items() if k.startswith("AGGREGATOR_")}
    crawler = get_crawler(NewsSpider, {**defaults, **settings})
    built = NewsSpider.from_crawler(crawler, url=f"{SITE}/category/news/")
    crawler.spider = built
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return built


def stats(news: NewsSpider) -> dict[str, Any]:
    assert news.crawler.stats is not None
    return {k: v for k, v in news.crawler.stats.get_stats().items() if k.startswith("aggregator")}


def response(url: str, body: bytes, status: int = 200) -> Response:
    return Response(url, body=body, status=status, request=Request(url))


def test_sitemap_entries_carry_their_lastmod_and_a_sitemap_teaser() -> None:
    news = spider()
    requests = list(
        news.discovery.parse_sitemap(response(f"{SITE}/news-sitemap.xml", NEWS), depth=2)
    )
    assert [r.url for r in requests] == [f"{SITE}/2024/07/05/bridge/"]
    request = requests[0]
    assert request.meta["aggregator_lastmod"] == "2024-07-05T11:40:00Z"
    entry = request.cb_kwargs["entry"]
    assert (entry.source, entry.title, entry.published_raw) == (
        "sitemap",
        "Council approves bridge",
        "2024-07-05T07:31:00-04:00",
    )
    assert request.callback == news.parse_article
    assert stats(news) == {
        "aggregator/sitemaps/parsed": 1,
        "aggregator/sitemaps/entries": 1,
        "aggregator/sitemaps/not_news": 1,
    }


def test_plain_entries_are_followed_when_news_only_is_off() -> None:
    news = spider(AGGREGATOR_SITEMAP_NEWS_ONLY=False)
    requests = list(news.discovery.parse_sitemap(response(f"{SITE}/s.xml", NEWS)))
    assert [r.url for r in requests] == [f"{SITE}/2024/07/05/bridge/", f"{SITE}/about/"]
    assert requests[1].meta["aggregator_lastmod"] == "2023-01-01"


@pytest.mark.parametrize(("depth", "followed"), [(1, 2), (2, 2), (3, 0)])
def test_index_depth_is_limited(depth: int, followed: int) -> None:
    news = spider(AGGREGATOR_SITEMAP_MAX_DEPTH=3)
    body = gzip.compress(INDEX)
    requests = list(
        news.discovery.parse_sitemap(response(f"{SITE}/index.xml.gz", body), depth=depth)
    )
    assert len(requests) == followed
    assert all(r.cb_kwargs == {"depth": depth + 1} for r in requests)
    assert stats(news).get("aggregator/sitemaps/refused/too_deep", 0) == (followed == 0)


def test_offsite_sitemaps_and_articles_are_not_followed() -> None:
    news = spider()
    robots = b"Sitemap: https://elsewhere.example/sitemap.xml\nSitemap: /sitemap.xml\n"
    requests = list(news.discovery.parse_robots(response(f"{SITE}/robots.txt", robots)))
    assert [r.url for r in requests] == [f"{SITE}/sitemap.xml"]
    offsite = NEWS.replace(b"https://news.example/2024", b"https://elsewhere.example/2024")
    assert list(news.discovery.parse_sitemap(response(f"{SITE}/s.xml", offsite))) == []
    assert stats(news)["aggregator/sitemaps/offsite"] == 2


def test_a_refused_feed_is_counted_and_yields_nothing() -> None:
    news = spider()
    assert list(news.discovery.parse_feed(response(f"{SITE}/feed/", BILLION_LAUGHS))) == []
    assert stats(news) == {"aggregator/feeds/refused/entities": 1}


def test_listing_feeds_are_requested_once_and_the_probe_happens_once() -> None:
    news = spider()
    page = TextResponse(
        f"{SITE}/category/news/", body=b"", request=Request(f"{SITE}/category/news/")
    )
    assert [r.url for r in news.discovery.feeds_from_listing([], page)] == [f"{SITE}/feed/"]
    assert list(news.discovery.feeds_from_listing([], page)) == []
    advertised = [f"{SITE}/rss.xml", "https://elsewhere.example/feed/"]
    assert [r.url for r in news.discovery.feeds_from_listing(advertised, page)] == [
        f"{SITE}/rss.xml"
    ]
    assert list(news.discovery.feeds_from_listing(advertised, page)) == []
    # A missing feed is counted, not an error.
    assert list(news.discovery.parse_feed(response(f"{SITE}/feed/", b"", status=404))) == []
    assert stats(news)["aggregator/feeds/not_found"] == 1


def test_a_dated_feed_teaser_beats_a_listing_teaser_for_the_same_url() -> None:
    news = spider()
    feed = (
        b'<rss version="2.0"><channel><item><title>Bridge</title>'
        b"<link>https://news.example/a/</link><pubDate>Fri, 05 Jul 2024 11:31:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    list(news.discovery.parse_feed(response(f"{SITE}/feed/", feed)))
    listed = ListingEntry(url=f"{SITE}/a/", title="Bridge", published_raw="29 mins ago")
    preferred = news.discovery.preferred_entry(listed)
    assert preferred is not None
    assert (preferred.source, preferred.published_raw) == ("feed", "Fri, 05 Jul 2024 11:31:00 GMT")
    other = ListingEntry(url=f"{SITE}/b/", published_raw="1 hour ago")
    assert news.discovery.preferred_entry(other) is other


def test_a_rendered_http_error_is_not_a_failed_render() -> None:
    news = spider()
    request = Request(f"{SITE}/gone/")
    gone = Failure(HttpError(Response(f"{SITE}/gone/", status=404, request=request), "404"))
    gone.request = request  # type: ignore[attr-defined]
    news.failures.render_failed(gone)
    timeout = Failure(TimeoutError("page.goto: Timeout 1000ms exceeded"))
    timeout.request = request  # type: ignore[attr-defined]
    news.failures.render_failed(timeout)
    assert stats(news) == {
        "aggregator/render/http_status/404": 1,
        "aggregator/render/failed": 1,
        # Counted like the spider's own errback counts them, so the health checks see them.
        "aggregator/spider/failed/page/http_404": 1,
        "aggregator/spider/failed/page/TimeoutError": 1,
    }
    assert news.crawler.stats is not None
    assert news.crawler.stats.get_value("httperror/response_ignored_status_count/404") == 1
    assert news.crawler.stats.get_value("httperror/response_ignored_count") == 1


def test_a_render_refused_before_the_browser_is_counted_as_a_spider_failure() -> None:
    news = spider()
    request = Request(f"{SITE}/private/", meta={"aggregator_kind": "article"})
    refused = Failure(IgnoreRequest("Forbidden by robots.txt"))
    refused.request = request  # type: ignore[attr-defined]
    news.failures.render_failed(refused)
    assert stats(news) == {
        "aggregator/render/ignored/robots_txt": 1,
        "aggregator/spider/failed/article/robots_txt": 1,
    }
