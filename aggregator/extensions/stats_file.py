"""Write each crawl's final stats to a JSON file, for scripts, benchmarks and tests.

Scrapy prints the stats in the log as a Python repr, which other programs
cannot read back; this writes them as JSON (datetimes as ISO 8601) when the
engine stops, after every other component has counted its last event.

A crawl closed while it opens (the site lock refused it) never starts the
engine, so `engine_stopped` never comes: such a crawl's stats are written
when its spider closes instead, by a handler connected when the spider
opens, after every other component's, so that it runs last. A crawl whose
engine started is written once, at `engine_stopped`.

Settings: `AGGREGATOR_STATS_FILE` (a path; empty switches this off). The
placeholder `{spider}` in the path becomes the spider's name, so one setting
serves `scrapy crawlall`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from aggregator.extensions.figures import json_safe

logger = logging.getLogger(__name__)


class StatsFile:
    """Dump the final stats of the crawl as JSON."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.started = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("AGGREGATOR_STATS_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, str(path))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self) -> None:
        # Middlewares and pipelines connect their handlers after extensions are built.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def engine_started(self) -> None:
        self.started = True

    def spider_closed(self) -> None:
        if not self.started:  # no engine_stopped will follow
            self.write()

    def engine_stopped(self) -> None:
        self.write()

    def write(self) -> None:
        assert self.crawler.stats is not None
        spider = self.crawler.spider.name if self.crawler.spider else "unknown"
        target = Path(self.path.replace("{spider}", spider))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(json_safe(self.crawler.stats.get_stats()), indent=1))
        except OSError as exc:
            logger.error("Could not write the stats file %s: %s", target, exc)
