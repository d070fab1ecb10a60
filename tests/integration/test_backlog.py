"""Issue 15, fault 1: a backlog behind known listing pages is fetched by the next crawl.

A crawl that stops paginating at a page of stored articles is right only when
an earlier crawl walked the pages behind it. A shallow first crawl
(`max_pages=1`) or a deep first crawl killed mid-way must not leave the rest
of a site's archive unfetched for good.
"""

from __future__ import annotations

import random
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import Article
from aggregator.store.schema import open_engine
from tests.integration.test_faults import wait_until
from tests.support import FROZEN_NOW, CrawlResult, run_scrapy, start_scrapy

ARTICLES = 300
PER_PAGE = 15  # 20 listing pages


@pytest.fixture
def site() -> NewsSite:
    return NewsSite(FROZEN_NOW, articles=ARTICLES, per_page=PER_PAGE)


@pytest.fixture
def server(site: NewsSite) -> Iterator[SiteServer]:
    with SiteServer(site) as running:
        yield running


def args(server: SiteServer, max_pages: int) -> list[str]:
    return [
        "crawl", "news",
        "-a", f"url={server.url}/category/news/",
        "-a", "site=archive",
        "-a", f"timezone={server.site.timezone}",
        "-a", f"max_pages={max_pages}",
    ]  # fmt: skip


def settings(tmp_path: Path) -> dict[str, str]:
    return {
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}",
        "AGGREGATOR_INCREMENTAL_REFRESH_WINDOW": "0",
    }


def crawl(server: SiteServer, tmp_path: Path, max_pages: int) -> CrawlResult:
    result = run_scrapy(args(server, max_pages), cwd=tmp_path, settings=settings(tmp_path))
    assert "Traceback" not in result.log, result.log[-3000:]
    return result


def stored_urls(tmp_path: Path) -> list[str]:
    engine = open_engine(f"sqlite:///{tmp_path / 'news.db'}")
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Article.url)))
    except SQLAlchemyError:
        return []  # the schema is not there yet
    finally:
        engine.dispose()


def chains(tmp_path: Path) -> list[Any]:
    from aggregator.store.chains import ListingChain  # here: the module is new with the fix

    engine = open_engine(f"sqlite:///{tmp_path / 'news.db'}")
    try:
        with Session(engine, expire_on_commit=False) as session:
            return list(session.scalars(select(ListingChain)))
    finally:
        engine.dispose()


def assert_whole_archive_once(tmp_path: Path, server: SiteServer) -> None:
    urls = stored_urls(tmp_path)
    assert [url for url, n in Counter(urls).items() if n > 1] == []
    expected = {f"{server.url}{article.path}".rstrip("/") for article in server.site.articles}
    assert {url.rstrip("/") for url in urls} == expected


def test_backlog_behind_known_pages_after_a_shallow_crawl_is_fetched(
    server: SiteServer, tmp_path: Path
) -> None:
    shallow = crawl(server, tmp_path, max_pages=1)
    assert len(stored_urls(tmp_path)) < ARTICLES

    deep = crawl(server, tmp_path, max_pages=20)

    assert_whole_archive_once(tmp_path, server)
    assert shallow.stats["aggregator/pagination/stopped/max_pages"] == 1
    assert shallow.stats["aggregator/pagination/backlog_unwalked"] == 1
    # Page 1 is all known, but no crawl walked the pages behind it: read on.
    assert deep.stats["aggregator/pagination/backlog_pages"] >= 1
    assert "aggregator/incremental/pagination_stopped" not in deep.stats
    assert deep.stats["aggregator/pagination/stopped/end"] == 1
    assert deep.stats["aggregator/pagination/backlog_unwalked"] == 0
    (chain,) = chains(tmp_path)
    assert (chain.complete, chain.walked_depth, chain.walking_since) == (True, 20, None)

    # Now the backlog is walked: the next crawl stops at the first known page.
    server.hits.clear()
    again = crawl(server, tmp_path, max_pages=20)
    assert again.stats["aggregator/incremental/pagination_stopped"] == 1
    assert again.stats["aggregator/pagination/stopped/known"] == 1
    assert server.hits[server.site.listing_path(2)] == 0


def test_backlog_after_a_killed_deep_crawl_is_fetched_by_the_next_crawls(
    server: SiteServer, tmp_path: Path
) -> None:
    killed_at = random.randint(1, ARTICLES // 2)  # articles stored when the kill comes
    first = start_scrapy(args(server, 20), cwd=tmp_path, settings=settings(tmp_path))
    try:
        wait_until(lambda: len(stored_urls(tmp_path)) >= killed_at, timeout=180)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert len(stored_urls(tmp_path)) < ARTICLES, "the kill came too late to test anything"

    second = crawl(server, tmp_path, max_pages=20)
    third = crawl(server, tmp_path, max_pages=20)

    assert_whole_archive_once(tmp_path, server)
    assert second.stats["aggregator/pagination/backlog_unwalked"] == 0
    assert third.stats["aggregator/pagination/stopped/known"] == 1
