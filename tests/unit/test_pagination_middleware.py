"""The pagination stop: one memory of linked articles per pagination chain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from aggregator.middlewares.pagination import StopKnownPaginationMiddleware
from aggregator.store.repository import KnownUrl

SITE = "https://news.example"


class EmptyStore:
    """Answers `find` like StoredUrls for an empty database."""

    def find(self, urls: Sequence[str]) -> dict[str, KnownUrl] | None:
        return {}

    def close(self) -> None:
        """Nothing to release."""


def middleware() -> StopKnownPaginationMiddleware:
    crawler = get_crawler()
    assert crawler.stats is not None
    crawler.stats.open_spider()
    store: Any = EmptyStore()
    return StopKnownPaginationMiddleware(crawler.stats, store)


def listing(url: str, chain: str | None) -> HtmlResponse:
    meta: dict[str, Any] = {"aggregator_kind": "listing"}
    if chain is not None:
        meta["aggregator_chain"] = chain
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def page_output(articles: list[str], next_page: str | None, chain: str | None) -> list[Request]:
    out = [Request(f"{SITE}{path}", meta={"aggregator_kind": "article"}) for path in articles]
    if next_page:
        meta: dict[str, Any] = {"aggregator_kind": "listing"}
        if chain is not None:
            meta["aggregator_chain"] = chain
        out.append(Request(f"{SITE}{next_page}", meta=meta))
    return out


def run(
    stop: StopKnownPaginationMiddleware, response: HtmlResponse, output: list[Request]
) -> list[str]:
    async def entries() -> AsyncIterator[Any]:
        for entry in output:
            yield entry

    async def collect() -> list[str]:
        return [r.url async for r in stop.process_spider_output(response, entries())]

    return asyncio.run(collect())


def test_a_chain_is_not_stopped_by_links_another_chain_showed() -> None:
    stop = middleware()
    home = f"{SITE}/news/"
    world = f"{SITE}/world/"
    run(stop, listing(home, home), page_output(["/a/", "/b/"], "/news/page/2/", home))
    passed = run(stop, listing(world, world), page_output(["/a/", "/b/"], "/world/page/2/", world))
    assert f"{SITE}/world/page/2/" in passed
    assert stop.stats.get_value("aggregator/incremental/pagination_stopped") is None


def test_a_page_that_only_repeats_its_own_chain_stops_it() -> None:
    stop = middleware()
    home = f"{SITE}/news/"
    page2 = f"{SITE}/news/page/2/"
    run(stop, listing(home, home), page_output(["/a/", "/b/"], "/news/page/2/", home))
    passed = run(stop, listing(page2, home), page_output(["/b/", "/a/"], "/news/page/3/", home))
    assert passed == [f"{SITE}/b/", f"{SITE}/a/"]
    assert stop.stats.get_value("aggregator/incremental/pagination_stopped") == 1


def test_links_are_remembered_from_a_page_without_a_next_page() -> None:
    # Listings of a spider that does not name chains share one memory; a last page
    # (no next page held) still adds its links to it.
    stop = middleware()
    run(stop, listing(f"{SITE}/latest/", None), page_output(["/a/", "/b/"], None, None))
    passed = run(
        stop, listing(f"{SITE}/top/", None), page_output(["/a/", "/b/"], "/top/page/2/", None)
    )
    assert f"{SITE}/top/page/2/" not in passed
    assert stop.stats.get_value("aggregator/incremental/pagination_stopped") == 1
