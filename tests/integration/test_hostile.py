"""Hostile input: the crawl finishes, each page is stored or counted with a reason, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import Article
from tests.fixtures.hostile import HOSTILE_LISTING, TRAPS, add_hostile_pages
from tests.support import FROZEN_NOW, CrawlResult, crawl_into

# What each counted trap must leave in the stats.
COUNTED = {
    "/hostile/binary/": "aggregator/spider/not_article",
    "/hostile/oversized/": "aggregator/spider/failed/article/too_large",
    "/hostile/loop-a/": "aggregator/spider/redirect_loop",
    "/hostile/slow/": "aggregator/spider/failed/article/DownloadTimeoutError",
    "/hostile/error/": "aggregator/spider/failed/article/http_500",
    "/hostile/gzip-bomb/": "aggregator/spider/failed/article/too_large",
}


@pytest.fixture(scope="module")
def crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CrawlResult, dict[str, Article]]]:
    site = NewsSite(FROZEN_NOW)
    add_hostile_pages(site)
    workdir = tmp_path_factory.mktemp("hostile")
    database = f"sqlite:///{workdir / 'hostile.db'}"
    with SiteServer(site) as server:
        crawled = crawl_into(
            database,
            [
                "crawl",
                "news",
                "-a",
                f"url={server.url}{HOSTILE_LISTING}",
                "-a",
                "max_pages=2",
                "-a",
                "site=hostile",
            ],
            cwd=workdir,
            settings={
                "DOWNLOAD_MAXSIZE": str(2 * 1024 * 1024),
                "DOWNLOAD_TIMEOUT": "1.5",
                "RETRY_TIMES": "1",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
            },
            timeout=300,
        )
    yield crawled.result, crawled.by_path(server.url)


def test_the_crawl_finishes_without_a_traceback(
    crawl: tuple[CrawlResult, dict[str, Article]],
) -> None:
    result, _ = crawl
    assert result.stats["finish_reason"] == "finished", result.log[-3000:]
    assert "Traceback" not in result.log
    assert " CRITICAL: " not in result.log


@pytest.mark.parametrize("trap", [t for t in TRAPS if t.expect == "stored"], ids=lambda t: t.path)
def test_survivable_pages_are_stored(
    crawl: tuple[CrawlResult, dict[str, Article]], trap: Any
) -> None:
    rows = crawl[1]
    assert trap.path.rstrip("/") in rows, sorted(rows)


@pytest.mark.parametrize("path", sorted(COUNTED))
def test_every_other_page_is_counted_with_its_reason(
    crawl: tuple[CrawlResult, dict[str, Article]], path: str
) -> None:
    stats = crawl[0].stats
    assert stats.get(COUNTED[path], 0) >= 1, {
        k: v for k, v in stats.items() if "aggregator/spider" in k
    }


def test_the_trap_list_is_fully_covered() -> None:
    stored = {t.path for t in TRAPS if t.expect == "stored"}
    assert stored | set(COUNTED) == {t.path for t in TRAPS}


def test_values_are_bounded(crawl: tuple[CrawlResult, dict[str, Article]]) -> None:
    stats, rows = crawl[0].stats, crawl[1]
    assert len(rows["/hostile/huge-title"].title) <= 1000
    assert rows["/hostile/far-future"].published_at is None
    assert rows["/hostile/wrong-charset"].title == "Caf\u00e9 society returns to the old town"
    assert stats["aggregator/spider/links_capped"] == 1
    # Only the first 500 of the 10,000 archive links were followed.
    assert stats["aggregator/spider/failed/article/http_404"] == 500
    assert stats["memusage/max"] < 400 * 1024 * 1024
