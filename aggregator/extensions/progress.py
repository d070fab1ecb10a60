"""Progress lines during long crawls: pages and items per minute, per site.

Every `AGGREGATOR_PROGRESS_INTERVAL` seconds it logs one line such as
`Progress of el_diario: 240 pages (60/min), 81 items (20/min), 12 new, 0 errors`.
It replaces Scrapy's `LogStats` (switched off in the settings) because its
lines name the site, which matters when `scrapy crawlall` runs several sites
in one process and their lines interleave. Rates come from the interval, not
from reading the clock.

Settings: `AGGREGATOR_PROGRESS_INTERVAL` (seconds; 0 switches progress lines off).
Stats read: `response_received_count`, `item_scraped_count`,
`aggregator/store/inserted`, `log_count/ERROR`.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call

from aggregator.health.figures import site_name

logger = logging.getLogger(__name__)


class CrawlProgress:
    """Log a site's crawl rate at a fixed interval."""

    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.site = "unknown"
        self.pages_before = 0
        self.items_before = 0
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("AGGREGATOR_PROGRESS_INTERVAL", 60.0)
        if interval <= 0:
            raise NotConfigured("AGGREGATOR_PROGRESS_INTERVAL is 0")
        assert crawler.stats is not None
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.site = site_name(spider)
        self.task = create_looping_call(self.log_progress)
        # The first line after one interval: a line of zeros at the start says nothing.
        self.task.start(self.interval, now=False)

    def progress_line(self) -> str:
        """The current line; moves the baseline for the next rates."""
        value = self.stats.get_value
        pages = int(value("response_received_count", 0))
        items = int(value("item_scraped_count", 0))
        per_minute = 60.0 / self.interval
        page_rate = (pages - self.pages_before) * per_minute
        item_rate = (items - self.items_before) * per_minute
        self.pages_before, self.items_before = pages, items
        return (
            f"Progress of {self.site}: {pages} pages ({page_rate:.0f}/min),"
            f" {items} items ({item_rate:.0f}/min),"
            f" {int(value('aggregator/store/inserted', 0))} new,"
            f" {int(value('log_count/ERROR', 0))} errors"
        )

    def log_progress(self) -> None:
        logger.info(self.progress_line())

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
