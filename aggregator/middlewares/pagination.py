"""Spider middleware: stop following a listing's pagination at a page that holds nothing new.

The spider yields, for each listing page (`meta["aggregator_kind"] =
"listing"`), its article requests (`"article"`) and the next listing page.
This middleware holds back that page's further listing requests until it has
seen all the article requests, then drops them when the page brings nothing
new: every article it links to is already stored, or was already linked from
an earlier page of the same pagination chain in this crawl (a "Recent posts"
sidebar repeats the newest stories on every page, and those are not stored
until their batch is written). Listings run newest first, so the pages after
such a page are known too. Start pages are always fetched (they come from
`start()`, not from a listing page); a page without article links never stops
pagination.

A chain is one start URL and the pages that follow it: the spider names it in
`meta["aggregator_chain"]` (the start URL) on every listing request. Each chain
has its own memory of linked articles, so a second section whose first page
repeats the first section's stories still has its own archive read. Listings
without that meta share one memory. A page's links are remembered whether or
not it has a next page.

Settings: `AGGREGATOR_INCREMENTAL_ENABLED`, `AGGREGATOR_INCREMENTAL_STOP_PAGINATION`,
`AGGREGATOR_DATABASE_URL`.
Stats: `aggregator/incremental/pagination_stopped` (listing pages whose
pagination was not followed).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from aggregator.middlewares.stored import StoredUrls
from aggregator.spiders.requests import ARTICLE, CHAIN, KIND, LISTING

logger = logging.getLogger(__name__)


def _kind(entry: Any) -> str | None:
    return entry.meta.get(KIND) if isinstance(entry, Request) else None


class StopKnownPaginationMiddleware:
    """Drop the next listing pages of a listing page whose articles are all stored."""

    def __init__(self, stats: StatsCollector, stored: StoredUrls) -> None:
        self.stats = stats
        self.stored = stored
        # Article URLs linked from the listing pages seen so far, per pagination chain.
        self.linked: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not (
            settings.getbool("AGGREGATOR_INCREMENTAL_ENABLED", True)
            and settings.getbool("AGGREGATOR_INCREMENTAL_STOP_PAGINATION", True)
        ):
            raise NotConfigured("incremental pagination stop is off")
        assert crawler.stats is not None
        middleware = cls(crawler.stats, StoredUrls.shared(crawler))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        if response.meta.get(KIND) != LISTING:
            async for entry in result:
                yield entry
            return
        articles: list[str] = []
        held: list[Request] = []
        passed: list[Any] = []
        async for entry in result:
            kind = _kind(entry)
            if kind == LISTING:
                held.append(entry)
                continue
            if kind == ARTICLE:
                articles.append(entry.url)
            passed.append(entry)
        # One query for the whole page, before its article requests reach the
        # incremental middleware, which then answers them from memory.
        self.stored.find(articles)
        for entry in passed:
            yield entry
        fresh = self.remember(str(response.meta.get(CHAIN, "")), articles)
        if held and articles and self.all_stored(fresh):
            self.stats.inc_value("aggregator/incremental/pagination_stopped")
            logger.info("Every article on %s is stored: pagination stops here", response.url)
            return
        for request in held:
            yield request

    def remember(self, chain: str, urls: list[str]) -> list[str]:
        """Note `urls` as linked in `chain`; return those it had not linked before."""
        linked = self.linked.setdefault(chain, set())
        fresh = [url for url in dict.fromkeys(urls) if url not in linked]
        linked.update(fresh)
        return fresh

    def all_stored(self, urls: list[str]) -> bool:
        """True when each of `urls` is stored (trivially so when there are none)."""
        if not urls:
            return True
        found = self.stored.find(urls)
        return found is not None and all(url in found for url in urls)

    def spider_closed(self) -> None:
        self.stored.close()
