"""Spider middleware: stop following a listing's pagination at a page that holds nothing new,
but only when an earlier crawl walked the pages behind it.

The spider yields, for each listing page (`KIND` meta `LISTING`), its article
requests (`ARTICLE`) and the next listing page. This middleware holds back
that page's further listing requests until it has seen all the article
requests, then drops them when the page brings nothing new (every article it
links to is already stored, or was already linked from an earlier page of the
same pagination chain in this crawl: a "Recent posts" sidebar repeats the
newest stories on every page) *and* the backlog behind it was walked: an
earlier crawl's walk of this chain ended, at the last page of the listing or
at least `max_pages` deep (`aggregator/store/chains.py`, through `walks.py`).
A first crawl cut short by `max_pages`, a crawl that was killed, or a listing
page that failed leaves the backlog unwalked, and the next crawl reads on
through known pages into it. Listings run newest first, so once the backlog
was walked, the pages after a known page are known too. Start pages are always
fetched (they come from `start()`, not from a listing page); a page without
article links never stops pagination.

A chain is one start URL and the pages that follow it: the spider names it in
the `CHAIN` meta (the start URL) and the page's depth in `DEPTH` on every
listing request, and the next page it found in `NEXT_PAGE` on the response.
Each chain has its own memory of linked articles, so a second section whose
first page repeats the first section's stories still has its own archive
read. Listings without a chain share one memory and are not recorded.

Settings: `AGGREGATOR_INCREMENTAL_ENABLED`, `AGGREGATOR_INCREMENTAL_STOP_PAGINATION`,
`AGGREGATOR_DATABASE_URL`, `AGGREGATOR_CLOCK`.
Stats: `aggregator/incremental/pagination_stopped` (listing pages whose
pagination was not followed because their articles were known);
`aggregator/pagination/stopped/<reason>` (walks that ended, by reason: `known`,
`end`, `max_pages`, `invalid_next`, `unreadable`; `unfinished` for walks still
open when the crawl closed); `aggregator/pagination/backlog_pages` (known pages
read on because the backlog behind them was unwalked);
`aggregator/pagination/backlog_unwalked` (chains of this crawl whose backlog is
still unwalked when it closes: the next crawl reads on into it, or `max_pages`
is too small to reach it).
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

from aggregator.clock import get_clock
from aggregator.middlewares.stored import StoredUrls
from aggregator.middlewares.walks import ChainWalks
from aggregator.spiders.requests import ARTICLE, CHAIN, DEPTH, KIND, LISTING, NEXT_PAGE
from aggregator.store.bounds import database_timeout

logger = logging.getLogger(__name__)


def _kind(entry: Any) -> str | None:
    return entry.meta.get(KIND) if isinstance(entry, Request) else None


class StopKnownPaginationMiddleware:
    """Drop the next listing pages of a listing page whose articles are all stored."""

    def __init__(
        self,
        stats: StatsCollector,
        stored: StoredUrls,
        walks: ChainWalks | None = None,
        max_pages: int | None = None,
    ) -> None:
        self.stats = stats
        self.stored = stored
        # None: no record of earlier walks, every known page stops its chain.
        self.walks = walks
        self.max_pages = max_pages
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
        site = getattr(crawler.spider, "site", None)
        walks = max_pages = None
        if site is not None:  # a NewsSpider: its chains are recorded per site
            database_url = settings.get("AGGREGATOR_DATABASE_URL")
            walks = ChainWalks(
                database_url, site.name, get_clock(settings), database_timeout(settings)
            )
            max_pages = site.max_pages
        middleware = cls(crawler.stats, StoredUrls.shared(crawler), walks, max_pages)
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
        chain = str(response.meta.get(CHAIN, ""))
        depth = int(response.meta.get(DEPTH, 1))
        if self.walks is not None and chain:
            # Recorded as begun at its first page: a crawl killed before the walk ends
            # leaves it marked, and the next crawl reads on into the backlog.
            self.walks.walk(chain)
        fresh = self.remember(chain, articles)
        known = bool(held and articles) and self.all_stored(fresh)
        if known and self.backlog_walked(chain, response.url, depth):
            self.stats.inc_value("aggregator/incremental/pagination_stopped")
            logger.info("Every article on %s is stored: pagination stops here", response.url)
            self.end_walk(chain, depth, "known")
            return
        if not held:
            self.end_walk(chain, depth, self.end_reason(response, depth))
        for request in held:
            yield request

    def backlog_walked(self, chain: str, url: str, depth: int) -> bool:
        """Whether an earlier walk of `chain` covered the pages behind a known page."""
        if self.walks is None or not chain:
            return True
        walk = self.walks.walk(chain)
        if walk.prior is not None and walk.prior.backlog_walked(self.max_pages or depth):
            return True
        self.stats.inc_value("aggregator/pagination/backlog_pages")
        if not walk.backlog_pages:
            why = "an earlier walk did not finish" if walk.prior else "it was never walked"
            if walk.prior and not walk.prior.interrupted:
                why = f"earlier walks went {walk.prior.walked_depth} pages deep"
            logger.info(
                "Every article on %s is stored, but the backlog behind it is unwalked (%s): "
                "pagination goes on",
                url,
                why,
            )
        walk.backlog_pages.add(depth)
        return False

    def end_reason(self, response: Response, depth: int) -> str:
        """Why a listing page without a followed next page ends its chain's walk."""
        if NEXT_PAGE not in response.meta:
            return "unreadable"  # not HTML: the spider could not read it
        if not response.meta[NEXT_PAGE]:
            return "end"
        if self.max_pages is not None and depth >= self.max_pages:
            return "max_pages"
        return "invalid_next"

    def end_walk(self, chain: str, depth: int, reason: str) -> None:
        """Record and count the end of `chain`'s walk in this crawl."""
        if self.walks is None or not chain:
            return
        self.walks.end(chain, depth, reason)
        self.stats.inc_value(f"aggregator/pagination/stopped/{reason}")
        logger.info("Pagination of %s ends at page %d: %s", chain, depth, reason)

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
        if self.walks is None:
            return
        unfinished = [w for w in self.walks.walks.values() if w.ended is None]
        if unfinished:
            self.stats.inc_value("aggregator/pagination/stopped/unfinished", len(unfinished))
        unwalked = self.walks.unwalked()
        self.stats.set_value("aggregator/pagination/backlog_unwalked", len(unwalked))
        for chain in unwalked:
            logger.warning(
                "The backlog of %s is not walked to its end yet: the next crawl reads on into it "
                "(raise max_pages if its walks stop at max_pages)",
                chain,
            )
        self.walks.close()
