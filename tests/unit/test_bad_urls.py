"""Issue 15, faults 4 and 7: one bad link costs only itself; no credentials or junk stored."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from aggregator import settings as project_settings
from aggregator.extract import extract_listing_html
from aggregator.items import ListingEntry
from aggregator.spiders.news import NewsSpider
from aggregator.spiders.requests import CHAIN, KIND, LISTING
from aggregator.urls import image_url, link_problem, request_url

SITE = "https://news.example"
GOOD = ["/2024/07/05/bridge-opens/", "/2024/07/05/council-votes/", "/2024/07/05/river-floods/"]
BAD = [
    "http://127.0.0.1:99999/2024/07/05/bad-port-story/",
    "http://[::1/2024/07/05/broken-ipv6-story/",
    "https://admin:s3cret@news.example/2024/07/05/password-story/",
    "ftp://news.example/2024/07/05/ftp-story/",
]


def listing_html() -> bytes:
    links = [*GOOD[:2], *BAD, GOOD[2]]
    posts = "".join(
        f'<article class="post"><h2><a href="{link}">A headline for story {n} today</a></h2>'
        f"<p>Teaser text of story {n}.</p></article>"
        for n, link in enumerate(links)
    )
    nav = '<nav class="pagination"><a class="next" href="/news/page/2/">Next</a></nav>'
    return f"<html><body><main>{posts}{nav}</main></body></html>".encode()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:99999/a/", "bad_port"),
        ("http://[::1/a/", "unparsable"),
        ("http://user:pw@news.example/a/", "userinfo"),
        ("ftp://news.example/a/", "scheme"),
        ("data:image/png;base64,AAAA", "scheme"),
        ("http:///a/", "no_host"),
        ("https://news.example/" + "a" * 3000, "too_long"),
        ("https://news.example/a/", None),
        ("http://[::1]:8080/a/", None),
    ],
)
def test_link_problems_are_named(url: str, problem: str | None) -> None:
    assert link_problem(url) == problem


def test_one_malformed_link_costs_only_itself_at_extraction() -> None:
    page = extract_listing_html(listing_html(), f"{SITE}/news/")
    assert [e.url for e in page.entries] == [f"{SITE}{path}" for path in GOOD]
    assert page.next_page == f"{SITE}/news/page/2/"
    assert page.invalid_links == {"bad_port": 1, "unparsable": 1, "userinfo": 1, "scheme": 1}


def spider() -> NewsSpider:
    defaults = {k: v for k, v in vars(project_settings).items() if k.startswith("AGGREGATOR_")}
    crawler = get_crawler(NewsSpider, defaults)
    built = NewsSpider.from_crawler(crawler, url=f"{SITE}/news/", max_pages="5")
    crawler.spider = built
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return built


def test_one_malformed_link_does_not_discard_its_listing() -> None:
    news = spider()
    url = f"{SITE}/news/"
    request = Request(url, meta={KIND: LISTING, CHAIN: url})
    response = HtmlResponse(url, body=listing_html(), request=request)
    out = list(news.parse_listing(response, depth=1))
    urls = [r.url for r in out]
    assert urls[:3] == [f"{SITE}{path}" for path in GOOD]
    assert f"{SITE}/news/page/2/" in urls
    assert news.crawler.stats is not None
    stats = news.crawler.stats.get_stats()
    assert stats["aggregator/spider/invalid_link/bad_port"] == 1
    assert stats["aggregator/spider/invalid_link/unparsable"] == 1


def test_credentials_are_stripped_before_any_request_is_made() -> None:
    news = spider()
    entry = ListingEntry("https://admin:s3cret@news.example/a/", source="feed")
    request = news.requests.article(entry, lastmod=None)
    assert request is not None
    assert request.url == "https://news.example/a/"
    assert request.cb_kwargs["entry"].url == "https://news.example/a/"
    assert news.requests.article(ListingEntry("http://127.0.0.1:99999/a/")) is None
    assert request_url(" http://u@news.example/b/ ") == ("http://news.example/b/", None)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://news.example/img.jpg", "https://news.example/img.jpg"),
        ("https://u:p@news.example/img.jpg", "https://news.example/img.jpg"),
        ("data:image/png;base64,AAAA", None),
        ("https://news.example/" + "x" * 5000 + ".jpg", None),
        ("javascript:alert(1)", None),
        (None, None),
    ],
)
def test_image_urls_kept(url: str | None, kept: str | None) -> None:
    assert image_url(url) == kept


def test_a_broken_feed_link_or_teaser_image_costs_only_itself() -> None:
    feed = '<link rel="alternate" type="application/rss+xml" href="http://[::1/feed">'
    card = (
        '<article><h2><a href="/2024/07/05/good-story/">A good story headline here</a></h2>'
        '<img src="http://[::1/x.jpg"></article>'
    )
    html = f"<html><head>{feed}</head><body>{card}</body></html>"
    page = extract_listing_html(html, f"{SITE}/news/")
    assert [e.url for e in page.entries] == [f"{SITE}/2024/07/05/good-story/"]
    assert page.feeds == []
    # The broken feed link is counted; a teaser image is not a link to follow, it is just left out.
    assert page.invalid_links == {"unparsable": 1}
    assert page.entries[0].image_url is None


def test_a_broken_canonical_or_image_on_an_article_page_costs_only_that_field() -> None:
    from aggregator.extract import extract_article_html

    paragraphs = "".join(
        f"<p>Paragraph {n} of the council's long report on the bridge and the river.</p>"
        for n in range(12)
    )
    html = (
        '<html><head><link rel="canonical" href="http://[::1/a/">'
        '<meta property="og:image" content="http://[::1/img.jpg">'
        '<meta property="og:type" content="article"></head><body><article>'
        f"<h1>The bridge opens after ten years</h1>{paragraphs}</article></body></html>"
    ).encode()
    item = extract_article_html(html, f"{SITE}/2024/07/05/bridge-opens/", encoding="utf-8")
    assert item is not None
    assert item.title == "The bridge opens after ten years"
    assert item.canonical_url is None and item.image_url is None
    assert "Paragraph 11" in (item.body or "")


def test_a_broken_base_href_falls_back_to_the_page_url() -> None:
    html = b'<html><head><base href="http://[::1/"></head><body>' + listing_html()[6:]
    page = extract_listing_html(html, f"{SITE}/section/")
    assert {entry.url for entry in page.entries} >= {SITE + path for path in GOOD}
