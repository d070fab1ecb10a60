"""Write each crawl's final stats to a JSON file, for scripts, benchmarks and tests.

Scrapy prints the stats in the log as a Python repr, which other programs
cannot read back; this writes them as JSON (datetimes as ISO 8601) when the
engine stops, after every other component has counted its last event.

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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("AGGREGATOR_STATS_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, str(path))
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        assert self.crawler.stats is not None
        spider = self.crawler.spider.name if self.crawler.spider else "unknown"
        target = Path(self.path.replace("{spider}", spider))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(json_safe(self.crawler.stats.get_stats()), indent=1))
        except OSError as exc:
            logger.error("Could not write the stats file %s: %s", target, exc)
