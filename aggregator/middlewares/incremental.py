"""Downloader middleware: do not download article pages the store already holds.

Only requests the spider marks `meta["aggregator_kind"] = "article"` are
looked at; listing pages, feeds and everything else are always fetched. A
stored article is fetched again while it is young, that is when it was
published (or, without a date, first seen) less than
`AGGREGATOR_INCREMENTAL_REFRESH_WINDOW` seconds ago, so corrections and live
updates are stored as updates; otherwise the request is dropped
(`IgnoreRequest`, which Scrapy does not log as an error). Copies of other
sites' articles are never fetched again. Age is measured against the
project clock (`AGGREGATOR_CLOCK`), so tests and re-runs are deterministic.
A sitemap entry's `<lastmod>` (`meta["aggregator_lastmod"]`, raw text) later
than the article's last fetch also brings it back: the site says it changed.

Settings: `AGGREGATOR_INCREMENTAL_ENABLED`, `AGGREGATOR_INCREMENTAL_REFRESH_WINDOW`,
`AGGREGATOR_DATABASE_URL`, `AGGREGATOR_CLOCK`.
Stats: `aggregator/incremental/skipped` (stored, not downloaded),
`aggregator/incremental/refreshed` (stored but young, downloaded again),
`aggregator/incremental/modified` (stored, but its sitemap lastmod is newer),
`aggregator/incremental/unknown_store` (requests let through because the store
could not answer).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.statscollectors import StatsCollector

from aggregator.clock import Clock, get_clock
from aggregator.dates import parse_date
from aggregator.middlewares.stored import StoredUrls
from aggregator.spiders.requests import ARTICLE, KIND, LASTMOD
from aggregator.store.repository import KnownUrl

PREFIX = "aggregator/incremental"
# Set once a request was looked at, so a redirect's follow-up is not counted twice.
CHECKED = "aggregator_incremental_checked"


class StoredArticle(IgnoreRequest):
    """The article is already stored and old enough not to be fetched again."""


class SkipStoredArticlesMiddleware:
    """Drop requests for stored articles older than the refresh window."""

    def __init__(
        self, stats: StatsCollector, stored: StoredUrls, clock: Clock, refresh_window: timedelta
    ) -> None:
        self.stats = stats
        self.stored = stored
        self.clock = clock
        self.refresh_window = refresh_window

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("AGGREGATOR_INCREMENTAL_ENABLED", True):
            raise NotConfigured("AGGREGATOR_INCREMENTAL_ENABLED is off")
        assert crawler.stats is not None
        middleware = cls(
            crawler.stats,
            StoredUrls.shared(crawler),
            get_clock(settings),
            timedelta(seconds=settings.getfloat("AGGREGATOR_INCREMENTAL_REFRESH_WINDOW", 0)),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        if request.meta.get(KIND) != ARTICLE or request.meta.get(CHECKED):
            return
        request.meta[CHECKED] = True
        found = self.stored.find([request.url])
        if found is None:
            self.stats.inc_value(f"{PREFIX}/unknown_store")
            return
        known = found.get(request.url)
        if known is None:
            return
        if self.is_young(known):
            self.stats.inc_value(f"{PREFIX}/refreshed")
            return
        if self.modified_since(request, known):
            self.stats.inc_value(f"{PREFIX}/modified")
            return
        self.stats.inc_value(f"{PREFIX}/skipped")
        raise StoredArticle(f"already stored: {request.url}")

    def is_young(self, known: KnownUrl) -> bool:
        """Whether a stored article is still within its refresh window."""
        if known.is_copy or self.refresh_window <= timedelta(0):
            return False
        born = known.published_at or known.first_seen_at
        return self.clock() - born < self.refresh_window

    def modified_since(self, request: Request, known: KnownUrl) -> bool:
        """Whether the request's sitemap `lastmod` is later than the article's last fetch."""
        raw = request.meta.get(LASTMOD)
        if known.is_copy or not raw:
            return False
        lastmod = parse_date(str(raw), now=self.clock())
        return lastmod is not None and lastmod.value > known.last_seen_at

    def spider_closed(self) -> None:
        self.stored.close()
