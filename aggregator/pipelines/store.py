"""Last pipeline: write articles to the database in batches through the repository.

The database is opened (and an empty one given the schema) when the spider
opens; a database that cannot be reached or whose schema is out of step stops
the crawl before anything is fetched (`CloseSpider`). Items are buffered and
written `AGGREGATOR_STORE_BATCH_SIZE` at a time, and the rest at close.

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_STORE_BATCH_SIZE`.
Stats: `aggregator/store/inserted`, `aggregator/store/updated`,
`aggregator/store/unchanged`, `aggregator/store/batches`.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.items import ArticleItem
from aggregator.store.repository import ArticleRepository
from aggregator.store.schema import SchemaError, open_engine, prepare_schema

logger = logging.getLogger(__name__)


class StoreArticlePipeline:
    """Buffer articles and save them in batched transactions."""

    def __init__(self, stats: StatsCollector, database_url: str, batch_size: int) -> None:
        self.stats = stats
        self.database_url = database_url
        self.batch_size = max(1, batch_size)
        self.buffer: list[ArticleItem] = []
        self.engine: Engine | None = None
        self.repository: ArticleRepository | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        settings = crawler.settings
        return cls(
            crawler.stats,
            settings.get("AGGREGATOR_DATABASE_URL"),
            settings.getint("AGGREGATOR_STORE_BATCH_SIZE", 100),
        )

    def open_spider(self) -> None:
        try:
            self.engine = open_engine(self.database_url)
            prepare_schema(self.engine)
        except (SQLAlchemyError, SchemaError) as exc:
            logger.error("Database unusable: %s", exc)
            raise CloseSpider("database_unavailable") from exc
        self.repository = ArticleRepository(self.engine)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered items in one transaction."""
        if not self.buffer or self.repository is None:
            return
        batch, self.buffer = self.buffer, []
        outcomes = self.repository.save_batch(batch)
        self.stats.inc_value("aggregator/store/batches")
        for outcome in outcomes:
            self.stats.inc_value(f"aggregator/store/{outcome.value}")

    def close_spider(self) -> None:
        self.flush()
        if self.engine is not None:
            self.engine.dispose()
