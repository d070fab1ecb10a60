"""Last pipeline: write articles to the database in batches, and lose none when it fails.

Every item is first appended to this crawl's spool file (see
`aggregator.store.spool`), then buffered; `AGGREGATOR_STORE_BATCH_SIZE` items
are saved per transaction, and the rest when the spider closes. Once a batch
is committed its lines are cut from the spool. When the database cannot be
reached (at start or mid-crawl), stops answering, or its schema is out of
step, the crawl goes on and the items stay in the spool; each later batch
tries the database again. An article the database refuses on its own stays
spooled with the reason logged. At start, spool files left by earlier crawls
(killed, or run while the database was down) are replayed first; `scrapy db
replay` does the same by hand.

The database is used from one worker thread, one call at a time (items wait
their turn), so the reactor keeps crawling and logging while the store waits;
every wait on PostgreSQL ends within `AGGREGATOR_DATABASE_TIMEOUT` seconds
(`aggregator.store.bounds`), so a silent database becomes "database unusable,
articles kept in the spool", and a SIGTERM still ends the crawl.

When the spool cannot be written (disk full, read-only, permissions) the
item goes straight to the database instead. When neither works, the item is
dropped as not stored, one CRITICAL line says so and the crawl is closed with
the finish reason `storage_unavailable` (which fails the health check).

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_DATABASE_TIMEOUT`,
`AGGREGATOR_STORE_BATCH_SIZE`, `AGGREGATOR_SPOOL_DIR`,
`AGGREGATOR_NEAR_DUPLICATE_THRESHOLD`.
Stats: `aggregator/store/inserted`, `…/updated`, `…/unchanged`,
`…/duplicate_exact`, `…/duplicate_near` (one per article saved),
`…/batches`, `…/replayed` (leftover spooled articles stored at start),
`…/spooled` (articles left in the spool for a later replay),
`…/refused` (articles the database rejected), `…/db_unavailable` (failed
attempts to reach the database), `…/spool_failed` (articles the spool could
not take), `…/spool_failed/stored` (of those, stored straight in the
database), `…/spool_failed/unstored` (of those, neither stored nor spooled),
`…/storage_unavailable` (1: the crawl was stopped for it),
`aggregator/timing/store` (through `aggregator.pipelines.worker`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from aggregator.items import ArticleItem
from aggregator.pipelines.worker import StoreWorker
from aggregator.run.crawl_run import crawl_run_of
from aggregator.store.bounds import database_timeout
from aggregator.store.delivery import DatabaseUnavailable, Refused, keep_refused
from aggregator.store.plans import Outcome
from aggregator.store.repository import DEFAULT_NEAR_THRESHOLD
from aggregator.store.session import StoreSession
from aggregator.store.spool import SpoolFile

logger = logging.getLogger(__name__)
PREFIX = "aggregator/store"
# The finish reason of a crawl stopped because no article could be kept anywhere.
STORAGE_UNAVAILABLE = "storage_unavailable"


class NotStored(DropItem):
    """Neither the spool nor the database could take the article (the crawl is stopping)."""


class StoreArticlePipeline:
    """Spool, buffer and save articles in batched transactions."""

    def __init__(
        self,
        crawler: Crawler,
        stats: StatsCollector,
        session: StoreSession,
        batch_size: int,
    ) -> None:
        self.crawler = crawler
        self.stats = stats
        self.session = session
        self.batch_size = max(1, batch_size)
        self.buffer: list[ArticleItem] = []
        # ids of the buffered items the spool could not take: they exist only in memory.
        self.unspooled: set[int] = set()
        self.spool: SpoolFile | None = None
        self.spool_error: str | None = None
        self.db_error: str | None = None
        self.stopping: asyncio.Future[None] | None = None
        # One database call at a time, in order: the spool's pending lines are one batch.
        self.turn = asyncio.Lock()
        self.worker = StoreWorker(stats)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        settings = crawler.settings
        session = StoreSession(
            settings.get("AGGREGATOR_DATABASE_URL"),
            timeout=database_timeout(settings),
            near_threshold=settings.getfloat(
                "AGGREGATOR_NEAR_DUPLICATE_THRESHOLD", DEFAULT_NEAR_THRESHOLD
            ),
            spool_dir=Path(settings.get("AGGREGATOR_SPOOL_DIR", "spool")),
        )
        return cls(
            crawler, crawler.stats, session, settings.getint("AGGREGATOR_STORE_BATCH_SIZE", 100)
        )

    async def open_spider(self) -> None:
        run = crawl_run_of(self.crawler)
        if run is not None and run.refused:
            # Another crawl of this site holds its lock: it owns the spool and the writes.
            return
        name = self.crawler.spider.name if self.crawler.spider else "crawl"
        try:
            self.spool = SpoolFile.create(self.session.spool_dir, name)
        except OSError as exc:
            self._spool_failed(exc)
        skip = self.spool.path if self.spool is not None else None
        try:
            report = await self.worker.run(self.session.replay, self.batch_size, skip)
        except DatabaseUnavailable as exc:
            self._unavailable(str(exc))
        else:
            if report.files:
                self.stats.inc_value(f"{PREFIX}/replayed", report.stored)
                logger.info(
                    "Replayed %d spooled articles from %d files", report.stored, report.files
                )
            if report.error:
                self._unavailable(report.error)
        if self.spool is None and self.db_error is not None:
            self._stop()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        async with self.turn:
            self.buffer.append(item)
            with self.worker.timed():
                self._append(item)
            if self.unspooled or len(self.buffer) >= self.batch_size:
                lost = await self._flush()
            else:
                lost = []
        if any(other is item for other in lost):
            raise NotStored("neither the spool nor the database could take it", log_level="DEBUG")
        return item

    def _append(self, item: ArticleItem) -> None:
        """Spool `item`; when the spool refuses it, remember that it exists only in memory."""
        try:
            if self.spool is None:
                raise OSError("no spool file (it could not be created)")
            self.spool.append(item)
        except OSError as exc:
            self._spool_failed(exc)
            self.unspooled.add(id(item))

    async def _flush(self) -> list[ArticleItem]:
        """Save the buffered items in one transaction, or keep them in the spool; the items lost."""
        if not self.buffer:
            return []
        batch, self.buffer = self.buffer, []
        unspooled, self.unspooled = self.unspooled, set()
        self._sync()
        try:
            result = await self.worker.run(self.session.save, batch)
        except DatabaseUnavailable as exc:
            self._unavailable(str(exc))
            return self._kept(batch, unspooled)
        if self.db_error is not None:
            where = self.spool.path if self.spool is not None else "no spool"
            logger.info("Database reachable again; earlier articles wait in %s", where)
            self.db_error = None
        return self._stored(batch, result, unspooled)

    def _sync(self) -> None:
        """Make the batch's spooled lines durable before the database sees them."""
        if self.spool is not None and self.spool.pending:
            try:
                with self.worker.timed():
                    self.spool.sync()
            except OSError as exc:
                # They may not survive a power cut; the database is the way out now.
                self._spool_failed(exc)

    def _kept(self, batch: Sequence[ArticleItem], unspooled: set[int]) -> list[ArticleItem]:
        """The database failed: spooled items stay for a replay, the others are lost."""
        if self.spool is not None:
            self.spool.keep()
        lost = [item for item in batch if id(item) in unspooled]
        if len(batch) > len(lost):
            self.stats.inc_value(f"{PREFIX}/spooled", len(batch) - len(lost))
        if lost:
            self.stats.inc_value(f"{PREFIX}/spool_failed/unstored", len(lost))
            self._stop()
        return lost

    def _stored(
        self,
        batch: Sequence[ArticleItem],
        result: tuple[list[Outcome], Refused],
        unspooled: set[int],
    ) -> list[ArticleItem]:
        """The batch went through: cut it from the spool and count it; the items lost."""
        outcomes, refused = result
        refused_ids = {id(item) for item, _ in refused}
        kept = self._keep_refused(refused) if refused else True
        if self.spool is not None:
            try:
                if kept:
                    self.spool.commit()
                else:
                    # Their lines must stay; the stored ones replay as unchanged.
                    self.spool.keep()
            except OSError as exc:
                # Stored but still spooled: a replay finds them unchanged.
                self._spool_failed(exc)
                self.spool.keep()
        lost = [] if kept else [i for i in batch if id(i) in refused_ids & unspooled]
        self.stats.inc_value(f"{PREFIX}/batches")
        if refused:
            self.stats.inc_value(f"{PREFIX}/refused", len(refused))
        if len(refused) > len(lost):
            self.stats.inc_value(f"{PREFIX}/spooled", len(refused) - len(lost))
        if lost:
            self.stats.inc_value(f"{PREFIX}/spool_failed/unstored", len(lost))
        for outcome in outcomes:
            self.stats.inc_value(f"{PREFIX}/{outcome.value}")
        direct = len(unspooled - refused_ids)
        if direct:
            self.stats.inc_value(f"{PREFIX}/spool_failed/stored", direct)
        return lost

    def _keep_refused(self, refused: Refused) -> bool:
        """Keep refused items in their own spool file; False when the disk refuses that too."""
        # Into their own file before the batch is cut from ours, so that a kill in
        # between cannot lose them.
        name = self.spool.path.stem if self.spool is not None else "crawl"
        try:
            kept = keep_refused(self.session.spool_dir, name, [i for i, _ in refused])
        except OSError as exc:
            self._spool_failed(exc, len(refused))
            for item, reason in refused:
                logger.error("Article refused by the database, not kept: %s: %s", item.url, reason)
            return False
        for item, reason in refused:
            logger.error(
                "Article refused by the database, kept in %s: %s: %s", kept, item.url, reason
            )
        return True

    def _spool_failed(self, exc: OSError, items: int = 1) -> None:
        """Count items the spool could not take; log the first failure of a run."""
        self.stats.inc_value(f"{PREFIX}/spool_failed", items)
        if self.spool_error is None:
            self.spool_error = str(exc)
            logger.error(
                "Spool unwritable, articles go straight to the database: %s", self.spool_error
            )

    def _unavailable(self, reason: str) -> None:
        """Count a failed attempt; log the first of an outage (each batch tries again)."""
        self.stats.inc_value(f"{PREFIX}/db_unavailable")
        if self.db_error is None:
            where = self.spool.path if self.spool is not None else "no spool (unwritable)"
            logger.error("Database unusable, articles kept in %s: %s", where, reason)
        self.db_error = reason

    def _stop(self) -> None:
        """Neither the spool nor the database takes articles: end the crawl, once."""
        if self.stats.get_value(f"{PREFIX}/storage_unavailable"):
            return
        logger.critical(
            "Storage unavailable, stopping the crawl: the spool cannot be written (%s) and the "
            "database is unusable (%s)",
            self.spool_error,
            self.db_error,
        )
        self.stats.set_value(f"{PREFIX}/storage_unavailable", 1)
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (a pipeline driven by hand)
            return
        if engine is not None:
            # Not awaited: closing waits for the items in progress, this one among them.
            self.stopping = asyncio.ensure_future(
                engine.close_spider_async(reason=STORAGE_UNAVAILABLE)
            )

    async def close_spider(self) -> None:
        async with self.turn:
            await self._flush()
        if self.spool is not None:
            if self.spool.tell():
                logger.error(
                    "%d articles could not be stored and wait in %s: run `scrapy db replay`",
                    self.stats.get_value(f"{PREFIX}/spooled", 0),
                    self.spool.path,
                )
            self.spool.close()
        await self.worker.run(self.session.close)
        self.worker.shutdown()
