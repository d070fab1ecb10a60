"""Incremental crawling against the fixture site: the refresh window and the switches."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aggregator.demo.pages import listing_page
from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from tests.support import FROZEN_NOW, CrawlResult, news_crawl_args, run_scrapy


def crawl(server: SiteServer, tmp_path: Path, **settings: str) -> CrawlResult:
    result = run_scrapy(
        news_crawl_args(server),
        cwd=tmp_path,
        settings={"AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}", **settings},
    )
    assert "Traceback" not in result.log, result.log[-3000:]
    return result


def article_downloads(server: SiteServer) -> set[str]:
    paths = {a.path for a in server.site.articles}
    return {path for path in server.hits if path in paths}


def test_only_articles_younger_than_the_refresh_window_are_fetched_again(
    server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    crawl(server, tmp_path)
    server.hits.clear()
    window = timedelta(hours=2)

    second = crawl(
        server,
        tmp_path,
        AGGREGATOR_INCREMENTAL_REFRESH_WINDOW=str(int(window.total_seconds())),
    )

    young = {a.path for a in site.articles if FROZEN_NOW - a.published < window}
    assert young, "the fixture site has articles published within the window"
    assert article_downloads(server) == young
    assert second.stats["aggregator/store/unchanged"] == len(young)
    assert second.stats["aggregator/incremental/refreshed"] >= len(young)
    assert second.stats["aggregator/incremental/skipped"] >= 1


def test_switched_off_everything_is_fetched_again(
    server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    crawl(server, tmp_path)
    server.hits.clear()

    second = crawl(server, tmp_path, AGGREGATOR_INCREMENTAL_ENABLED="False")

    assert article_downloads(server) == {a.path for a in site.articles}
    assert second.stats["aggregator/store/unchanged"] == len(site.articles)
    assert not any(key.startswith("aggregator/incremental/") for key in second.stats)


def test_pagination_can_be_followed_even_when_a_page_is_known(
    server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    crawl(server, tmp_path)
    server.hits.clear()

    crawl(
        server,
        tmp_path,
        AGGREGATOR_INCREMENTAL_STOP_PAGINATION="False",
        AGGREGATOR_INCREMENTAL_REFRESH_WINDOW="0",
    )

    assert all(server.hits[site.listing_path(page)] == 1 for page in range(1, site.pages + 1))
    assert article_downloads(server) == set()


def test_new_articles_on_a_known_listing_are_fetched_and_pagination_goes_on(
    tmp_path: Path,
) -> None:
    site = NewsSite(FROZEN_NOW, articles=20)
    older = NewsSite(FROZEN_NOW, articles=20)
    older.articles = older.articles[2:]  # the same site before its two newest stories
    with SiteServer(older) as server:
        crawl(server, tmp_path)
        base = server.url
    site.base_url = base
    with SiteServer(site, port=int(base.rsplit(":", 1)[1])) as server:
        second = crawl(server, tmp_path, AGGREGATOR_INCREMENTAL_REFRESH_WINDOW="0")
        downloads = article_downloads(server)

    assert downloads == {site.articles[0].path, site.articles[1].path}
    assert second.stats["aggregator/store/inserted"] == 2
    # Page 1 held new stories, so page 2 was read; page 2 held none (its sidebar repeats
    # page 1's new stories, linked before), so page 3 was not.
    assert server.hits[site.listing_path(2)] == 1
    assert server.hits[site.listing_path(3)] == 0
    assert second.stats["aggregator/incremental/pagination_stopped"] == 1


def test_each_start_url_keeps_its_own_pagination_memory(
    server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    # A second section whose first page shows exactly the stories of the first
    # section's first page (a "world" front that repeats the home page), and older
    # stories of its own on page 2. Whichever first page is read second repeats
    # only links the crawl has seen: its pagination must go on all the same.
    recent = site.articles[:6]
    front = listing_page(site.teasers(1), site.now, "/category/world/page/2/", recent)
    site.add_page("/category/world/", Response(200, front.encode()))
    own = [(article.path, article) for article in site.articles[5:10]]
    older = listing_page(own, site.now, None, recent)
    site.add_page("/category/world/page/2/", Response(200, older.encode()))
    args = [
        "crawl", "news",
        "-a", f"url={server.url}/category/news/,{server.url}/category/world/",
        "-a", "site=daily",
        "-a", f"timezone={site.timezone}",
        "-a", f"max_pages={site.pages}",
    ]  # fmt: skip
    result = run_scrapy(
        args,
        cwd=tmp_path,
        settings={"AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}"},
    )
    assert "Traceback" not in result.log, result.log[-3000:]

    assert server.hits["/category/world/"] == 1
    assert server.hits["/category/world/page/2/"] == 1
    assert all(server.hits[site.listing_path(page)] == 1 for page in range(1, site.pages + 1))
    assert "aggregator/incremental/pagination_stopped" not in result.stats
