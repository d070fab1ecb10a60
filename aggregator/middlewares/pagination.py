"""Spider middleware: stop following a listing's pagination at a page that holds nothing new.

The spider yields, for each listing page (`meta["aggregator_kind"] =
"listing"`), its article requests (`"article"`) and the next listing page.
This middleware holds back that page's further listing requests until it has
seen all the article requests, then drops them when the page brings nothing
new: every article it links to is already stored, or was already linked from
an earlier listing page of this crawl (a "Recent posts" sidebar repeats the
newest stories on every page, and those are not stored until their batch is
written). Listings run newest first, so the pages after such a page are known
too. Start pages are always fetched (they come from `start()`, not from a
listing page); a page without article links never stops pagination.

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

logger = logging.getLogger(__name__)


def _kind(entry: Any) -> str | None:
    return entry.meta.get("aggregator_kind") if isinstance(entry, Request) else None


class StopKnownPaginationMiddleware:
    """Drop the next listing pages of a listing page whose articles are all stored."""

    def __init__(self, stats: StatsCollector, stored: StoredUrls) -> None:
        self.stats = stats
        self.stored = stored
        # Article URLs linked from the listing pages seen so far in this crawl.
        self.linked: set[str] = set()

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
        if response.meta.get("aggregator_kind") != "listing":
            async for entry in result:
                yield entry
            return
        articles: list[str] = []
        held: list[Request] = []
        passed: list[Any] = []
        async for entry in result:
            kind = _kind(entry)
            if kind == "listing":
                held.append(entry)
                continue
            if kind == "article":
                articles.append(entry.url)
            passed.append(entry)
        # One query for the whole page, before its article requests reach the
        # incremental middleware, which then answers them from memory.
        self.stored.find(articles)
        for entry in passed:
            yield entry
        if held and self.nothing_new(articles):
            self.stats.inc_value("aggregator/incremental/pagination_stopped")
            logger.info("Every article on %s is stored: pagination stops here", response.url)
            return
        for request in held:
            yield request

    def nothing_new(self, urls: list[str]) -> bool:
        """True when there are article links and each is stored or was linked before."""
        fresh = [url for url in urls if url not in self.linked]
        self.linked.update(urls)
        if not urls:
            return False
        if not fresh:
            return True
        found = self.stored.find(fresh)
        return found is not None and all(url in found for url in fresh)

    def spider_closed(self) -> None:
        self.stored.close()
