"""Fourth pipeline: drop an article already seen in this run under another URL form.

The clean pipeline has reduced every URL to its canonical form, so the same
article linked as `/a/?utm_source=x` and `/a` arrives here with one key.
Copies under other URLs (the same text, or a syndicated near copy on another
site) are not dropped here: the store records them against the stored
article, in this run and across runs (see `aggregator/store/plans.py`).

Stats: `aggregator/dedup/duplicate` (also Scrapy's
`item_dropped_reasons_count/DuplicateArticle`).
"""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from aggregator.items import ArticleItem


class DuplicateArticle(DropItem):
    """The same article (same canonical URL) was already processed in this run."""


class DropDuplicatesPipeline:
    """Let each canonical URL through once per run."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        key = item.canonical_url or item.url
        if key in self.seen:
            self.stats.inc_value("aggregator/dedup/duplicate")
            raise DuplicateArticle(f"duplicate of {key}: {item.url}")
        self.seen.add(key)
        return item
