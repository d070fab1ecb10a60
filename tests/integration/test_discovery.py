"""End to end: articles found through feeds and news sitemaps, with their dates; attacks refused.

The fixture site's first listing page (the only one crawled, `max_pages = 1`)
links the six newest articles. A feed (found by probing `/feed/`, as on
WordPress) announces the next six, and a news sitemap (robots.txt -> gzipped
sitemap index -> news sitemap) the rest, so each article reaches the crawl
through one way only and its stored date source is known in advance.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import Article
from tests.fixtures.discovery import add_feed, add_hostile, add_news_sitemaps, rfc822
from tests.support import FROZEN_NOW, CrawlResult, crawl_into

LISTED, FEED, SITEMAP = slice(0, 6), slice(6, 12), slice(12, 20)


@pytest.fixture(scope="module")
def site() -> NewsSite:
    site = NewsSite(FROZEN_NOW, articles=20)
    add_feed(site, site.articles[FEED])
    add_news_sitemaps(site, site.articles[SITEMAP], plain=site.articles, gzipped_index=True)
    add_feed(site, site.articles[:3], path="/news.atom", atom=True)
    add_hostile(site, oversize=300_000)
    return site


@pytest.fixture(scope="module")
def server(site: NewsSite) -> Iterator[SiteServer]:
    with SiteServer(site) as running:
        yield running


def crawl(
    workdir: Path, args: list[str], **settings: str
) -> tuple[CrawlResult, dict[str, Article]]:
    crawled = crawl_into(
        f"sqlite:///{workdir / 'news.db'}", ["crawl", *args], cwd=workdir, settings=settings
    )
    result = crawled.result
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]
    return result, crawled.by_title()


@pytest.fixture(scope="module")
def discovered(
    server: SiteServer, site: NewsSite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CrawlResult, dict[str, Article]]:
    url = f"{server.url}/category/news/"
    args = ["news", "-a", f"url={url}", "-a", f"timezone={site.timezone}", "-a", "max_pages=1"]
    return crawl(tmp_path_factory.mktemp("discovery"), args)


def test_every_article_arrives_through_listing_feed_or_sitemap(
    discovered: tuple[CrawlResult, dict[str, Article]], site: NewsSite
) -> None:
    result, rows = discovered
    assert sorted(rows) == sorted(a.title for a in site.articles)
    stats = result.stats
    assert stats["aggregator/feeds/parsed"] == 1
    assert stats["aggregator/feeds/entries"] == 6
    # robots.txt -> gzipped index -> news sitemap and a plain one; only news entries are followed.
    assert stats["aggregator/sitemaps/indexes"] == 1
    assert stats["aggregator/sitemaps/parsed"] == 3
    assert stats["aggregator/sitemaps/entries"] == 8
    assert stats["aggregator/sitemaps/not_news"] == len(site.articles)


@pytest.mark.parametrize(("part", "source"), [(FEED, "feed"), (SITEMAP, "sitemap")])
def test_announced_dates_are_stored_with_their_source(
    discovered: tuple[CrawlResult, dict[str, Article]], site: NewsSite, part: slice, source: str
) -> None:
    rows = discovered[1]
    announced = site.articles[part]
    for article in announced:
        row = rows[article.title]
        assert row.published_at == article.published.astimezone(UTC), (row.published_raw, source)
    # Where the page shows no date of its own, the feed's or sitemap's date is the one kept.
    undated = [a for a in announced if a.date_style == "none"]
    assert undated
    for article in undated:
        row = rows[article.title]
        assert (row.published_source, row.published_precision) == (source, "second")
        expected_raw = (
            rfc822(article.published) if source == "feed" else article.published.isoformat()
        )
        assert row.published_raw == expected_raw


def test_a_site_without_feed_or_sitemap_probes_quietly(tmp_path: Path, server: SiteServer) -> None:
    plain = NewsSite(FROZEN_NOW, articles=3)
    with SiteServer(plain) as other:
        result, rows = crawl(tmp_path, ["news", "-a", f"url={other.url}/category/news/"])
    assert len(rows) == 3
    assert result.stats["aggregator/feeds/not_found"] == 1
    assert "aggregator/sitemaps/requested" in result.stats
    assert "aggregator/sitemaps/parsed" not in result.stats
    assert not any(key.startswith("aggregator/feeds/failed") for key in result.stats)


def test_configured_feeds_and_sitemaps_and_refused_attacks(
    server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    base = server.url
    index_hits = server.hits_for("/sitemap_index.xml.gz")
    (sites / "hostile_news.toml").write_text(
        f'start_urls = ["{base}/category/news/"]\nmax_pages = 1\ntimezone = "{site.timezone}"\n'
        f'feeds = ["{base}/news.atom", "{base}/feed/bomb/", "{base}/feed/xxe/"]\n'
        f'sitemaps = ["{base}/sitemap-huge.xml", "{base}/sitemap-bomb.xml.gz"]\n'
    )
    result, rows = crawl(
        tmp_path,
        ["hostile_news"],
        AGGREGATOR_SITES_DIR=str(sites),
        AGGREGATOR_SITEMAP_MAX_BYTES="200000",
    )
    stats = result.stats
    assert stats["aggregator/feeds/refused/entities"] == 2
    assert stats["aggregator/sitemaps/refused/too_large"] == 2
    assert stats["aggregator/feeds/parsed"] == 1
    # Configured lists replace discovery: no /feed/ probe, no robots.txt sitemaps.
    assert server.hits_for("/sitemap_index.xml.gz") == index_hits
    assert "aggregator/feeds/not_found" not in stats
    assert "aggregator/sitemaps/indexes" not in stats
    # The Atom feed's relative links resolve against the feed; its dates are exact.
    for article in site.articles[:3]:
        assert rows[article.title].published_at == article.published.astimezone(UTC)
    assert "lol" not in " ".join(rows)
    assert set(rows) == {a.title for a in site.articles[LISTED]}


def test_a_feed_advertised_by_the_listing_page_is_read(tmp_path: Path) -> None:
    small = NewsSite(FROZEN_NOW, articles=12, per_page=3)
    add_feed(small, small.articles[6:], path="/rss.xml", advertise_on="/category/news/")
    with SiteServer(small) as other:
        result, rows = crawl(
            tmp_path,
            ["news", "-a", f"url={other.url}/category/news/", "-a", "max_pages=1"],
            AGGREGATOR_DISCOVER_SITEMAPS="False",
        )
        probes = other.hits_for("/feed/")
    assert result.stats["aggregator/feeds/parsed"] == 1
    assert probes == 0  # the advertised feed makes the WordPress probe unnecessary
    assert any(article.date_style == "none" for article in small.articles[6:])
    for article in small.articles[6:]:
        row = rows[article.title]
        assert row.published_at == article.published.astimezone(UTC)
        if article.date_style == "none":
            assert row.published_source == "feed"
