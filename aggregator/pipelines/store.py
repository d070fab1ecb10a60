"""Last pipeline: write articles to the database in batches, and lose none when it fails.

Every item is first appended to this crawl's spool file (see
`aggregator.store.spool`), then buffered; `AGGREGATOR_STORE_BATCH_SIZE` items
are saved per transaction, and the rest when the spider closes. Once a batch
is committed its lines are cut from the spool. When the database cannot be
reached (at start or mid-crawl) or its schema is out of step, the crawl goes
on and the items stay in the spool; each later batch tries the database
again. An article the database refuses on its own stays spooled with the
reason logged. At start, spool files left by earlier crawls (killed, or run
while the database was down) are replayed first; `scrapy db replay` does the
same by hand.

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_STORE_BATCH_SIZE`,
`AGGREGATOR_SPOOL_DIR`, `AGGREGATOR_NEAR_DUPLICATE_THRESHOLD`.
Stats: `aggregator/store/inserted`, `…/updated`, `…/unchanged`,
`…/duplicate_exact`, `…/duplicate_near` (one per article saved),
`…/batches`, `…/replayed` (leftover spooled articles stored at start),
`…/spooled` (articles left in the spool for a later replay),
`…/refused` (articles the database rejected), `…/db_unavailable` (failed
attempts to reach the database).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.items import ArticleItem
from aggregator.run.crawl_run import crawl_run_of
from aggregator.store.delivery import (
    DatabaseUnavailable,
    keep_refused,
    replay_spool,
    save_or_isolate,
)
from aggregator.store.repository import DEFAULT_NEAR_THRESHOLD, ArticleRepository
from aggregator.store.schema import SchemaError, open_engine, prepare_schema
from aggregator.store.spool import SpoolFile

logger = logging.getLogger(__name__)
PREFIX = "aggregator/store"


class StoreArticlePipeline:
    """Spool, buffer and save articles in batched transactions."""

    def __init__(
        self,
        crawler: Crawler,
        stats: StatsCollector,
        database_url: str,
        batch_size: int,
        spool_dir: Path,
        near_threshold: float,
    ) -> None:
        self.crawler = crawler
        self.stats = stats
        self.database_url = database_url
        self.batch_size = max(1, batch_size)
        self.spool_dir = spool_dir
        self.near_threshold = near_threshold
        self.buffer: list[ArticleItem] = []
        self.engine: Engine | None = None
        self.repository: ArticleRepository | None = None
        self.spool: SpoolFile | None = None
        # Where the current batch's lines start in the spool; before it: items kept for replay.
        self.batch_start = 0
        self.down = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        settings = crawler.settings
        return cls(
            crawler,
            crawler.stats,
            settings.get("AGGREGATOR_DATABASE_URL"),
            settings.getint("AGGREGATOR_STORE_BATCH_SIZE", 100),
            Path(settings.get("AGGREGATOR_SPOOL_DIR", "spool")),
            settings.getfloat("AGGREGATOR_NEAR_DUPLICATE_THRESHOLD", DEFAULT_NEAR_THRESHOLD),
        )

    def open_spider(self) -> None:
        run = crawl_run_of(self.crawler)
        if run is not None and run.refused:
            # Another crawl of this site holds its lock: it owns the spool and the writes.
            return
        name = self.crawler.spider.name if self.crawler.spider else "crawl"
        self.spool = SpoolFile.create(self.spool_dir, name)
        try:
            self._connect()
            self._replay_leftovers()
        except DatabaseUnavailable as exc:
            self._unavailable(str(exc))

    def _connect(self) -> ArticleRepository:
        """The repository, opening the database and checking its schema first if needed."""
        if self.repository is not None:
            return self.repository
        try:
            self.engine = self.engine or open_engine(self.database_url)
            prepare_schema(self.engine)
        except (SQLAlchemyError, SchemaError) as exc:
            raise DatabaseUnavailable(str(exc).splitlines()[0] if str(exc) else repr(exc)) from exc
        self.repository = ArticleRepository(self.engine, near_threshold=self.near_threshold)
        return self.repository

    def _unavailable(self, reason: str) -> None:
        """Count a failed attempt; log the first of an outage (each batch tries again)."""
        self.stats.inc_value(f"{PREFIX}/db_unavailable")
        if not self.down:
            assert self.spool is not None
            logger.error("Database unusable, articles kept in %s: %s", self.spool.path, reason)
        self.down = True

    def _replay_leftovers(self) -> None:
        assert self.repository is not None and self.spool is not None
        report = replay_spool(
            self.spool_dir, self.repository, self.batch_size, skip=self.spool.path
        )
        if report.files:
            self.stats.inc_value(f"{PREFIX}/replayed", report.stored)
            logger.info("Replayed %d spooled articles from %d files", report.stored, report.files)
        if report.error:
            raise DatabaseUnavailable(report.error)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.spool is not None, "open_spider creates the spool"
        self.spool.append(item)
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Save the buffered items in one transaction, or keep them in the spool."""
        if not self.buffer or self.spool is None:
            return
        batch, self.buffer = self.buffer, []
        self.spool.sync()
        try:
            outcomes, refused = save_or_isolate(self._connect(), batch)
        except DatabaseUnavailable as exc:
            self._unavailable(str(exc))
            self.stats.inc_value(f"{PREFIX}/spooled", len(batch))
            self.batch_start = self.spool.tell()
            return
        if self.down:
            logger.info("Database reachable again; earlier articles wait in %s", self.spool.path)
            self.down = False
        if refused:
            # Into their own spool file before this batch is cut from ours, so that a
            # kill in between cannot lose them.
            kept = keep_refused(self.spool_dir, self.spool.path.stem, [i for i, _ in refused])
            for item, reason in refused:
                logger.error(
                    "Article refused by the database, kept in %s: %s: %s", kept, item.url, reason
                )
        self.spool.cut(self.batch_start)
        self.batch_start = self.spool.tell()
        self.stats.inc_value(f"{PREFIX}/batches")
        if refused:
            self.stats.inc_value(f"{PREFIX}/refused", len(refused))
            self.stats.inc_value(f"{PREFIX}/spooled", len(refused))
        for outcome in outcomes:
            self.stats.inc_value(f"{PREFIX}/{outcome.value}")

    def close_spider(self) -> None:
        self.flush()
        if self.spool is not None:
            if self.spool.tell():
                logger.error(
                    "%d articles could not be stored and wait in %s: run `scrapy db replay`",
                    self.stats.get_value(f"{PREFIX}/spooled", 0),
                    self.spool.path,
                )
            self.spool.close()
        if self.engine is not None:
            self.engine.dispose()
