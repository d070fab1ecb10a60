"""Pagination that knows what it has walked (issue 15, fault 1), without a network."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy.orm import Session

from aggregator.middlewares.pagination import StopKnownPaginationMiddleware
from aggregator.middlewares.walks import ChainWalks
from aggregator.spiders.requests import ARTICLE, CHAIN, DEPTH, KIND, LISTING, NEXT_PAGE
from aggregator.store.chains import ChainRepository, ListingChain
from aggregator.store.repository import KnownUrl
from aggregator.store.schema import open_engine, prepare_schema

SITE = "https://news.example"
START = f"{SITE}/news/"
NOW = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


class AllStored:
    """Answers `find` as if every URL were stored, except those in `new`."""

    def __init__(self) -> None:
        self.new: set[str] = set()

    def find(self, urls: Sequence[str]) -> dict[str, KnownUrl] | None:
        return {url: None for url in urls if url not in self.new}  # type: ignore[misc]

    def close(self) -> None:
        """Nothing to release."""


def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    engine = open_engine(url)
    prepare_schema(engine)
    engine.dispose()
    return url


def middleware(url: str, max_pages: int = 5) -> StopKnownPaginationMiddleware:
    crawler = get_crawler()
    assert crawler.stats is not None
    crawler.stats.open_spider()
    store: Any = AllStored()
    walks = ChainWalks(url, "daily", lambda: NOW)
    return StopKnownPaginationMiddleware(crawler.stats, store, walks, max_pages)


def page(stop: StopKnownPaginationMiddleware, depth: int, next_page: str | None) -> list[str]:
    url = START if depth == 1 else f"{START}page/{depth}/"
    meta = {KIND: LISTING, CHAIN: START, DEPTH: depth}
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))
    response.meta[NEXT_PAGE] = next_page
    output = [Request(f"{SITE}/a{depth}-{n}/", meta={KIND: ARTICLE}) for n in range(3)]
    if next_page and depth < (stop.max_pages or 99):
        output.append(Request(next_page, meta={KIND: LISTING, CHAIN: START, DEPTH: depth + 1}))

    async def entries() -> AsyncIterator[Any]:
        for entry in output:
            yield entry

    async def collect() -> list[str]:
        return [r.url async for r in stop.process_spider_output(response, entries())]

    return asyncio.run(collect())


def walk(stop: StopKnownPaginationMiddleware, pages: int, last: int) -> None:
    """Read pages 1..`pages` of a listing whose last page is `last`."""
    for depth in range(1, pages + 1):
        following = f"{START}page/{depth + 1}/" if depth < last else None
        page(stop, depth, following)


def stat(stop: StopKnownPaginationMiddleware, key: str) -> Any:
    return stop.stats.get_value(f"aggregator/{key}")


def test_a_never_walked_chain_reads_on_through_known_pages(tmp_path: Path) -> None:
    stop = middleware(database(tmp_path))
    passed = page(stop, 1, f"{START}page/2/")
    assert f"{START}page/2/" in passed
    assert stat(stop, "pagination/backlog_pages") == 1
    assert stat(stop, "incremental/pagination_stopped") is None


def test_a_walk_to_the_end_lets_the_next_crawl_stop_at_a_known_page(tmp_path: Path) -> None:
    url = database(tmp_path)
    first = middleware(url)
    walk(first, 3, last=3)
    first.spider_closed()
    assert stat(first, "pagination/stopped/end") == 1
    assert stat(first, "pagination/backlog_unwalked") == 0

    second = middleware(url)
    assert f"{START}page/2/" not in page(second, 1, f"{START}page/2/")
    assert stat(second, "pagination/stopped/known") == 1
    assert stat(second, "incremental/pagination_stopped") == 1


def test_an_unfinished_walk_is_read_again_by_the_next_crawl(tmp_path: Path) -> None:
    url = database(tmp_path)
    done = middleware(url)
    walk(done, 3, last=3)
    done.spider_closed()
    killed = middleware(url)
    killed.stored.new = {f"{SITE}/a1-0/"}  # type: ignore[attr-defined]
    page(killed, 1, f"{START}page/2/")  # new stories: read on to page 2 ...
    # ... and the crawl dies before page 2 arrives: no walk end, no spider_closed.

    after = middleware(url)
    assert f"{START}page/2/" in page(after, 1, f"{START}page/2/")
    after.spider_closed()
    assert stat(after, "pagination/stopped/unfinished") == 1
    assert stat(after, "pagination/backlog_unwalked") == 1


def test_a_walk_cut_by_max_pages_is_read_on_by_a_deeper_crawl_only(tmp_path: Path) -> None:
    url = database(tmp_path)
    shallow = middleware(url, max_pages=1)
    walk(shallow, 1, last=5)
    shallow.spider_closed()
    assert stat(shallow, "pagination/stopped/max_pages") == 1
    assert stat(shallow, "pagination/backlog_unwalked") == 1
    engine = open_engine(url)
    with Session(engine) as session:
        row = session.get(ListingChain, ("daily", START))
        assert row is not None
        assert (row.walked_depth, row.complete, row.walking_since) == (1, False, None)
    assert ChainRepository(engine).unwalked("daily") == [START]
    engine.dispose()

    # As shallow as before: the walk ends at max_pages again, nothing read on.
    again = middleware(url, max_pages=1)
    page(again, 1, f"{START}page/2/")
    assert stat(again, "pagination/backlog_pages") is None
    deeper = middleware(url, max_pages=5)
    assert f"{START}page/2/" in page(deeper, 1, f"{START}page/2/")


def test_an_unusable_store_reads_on(tmp_path: Path) -> None:
    stop = middleware(f"sqlite:///{tmp_path / 'missing' / 'news.db'}")
    assert f"{START}page/2/" in page(stop, 1, f"{START}page/2/")
    stop.spider_closed()
    assert stat(stop, "pagination/backlog_unwalked") == 1
