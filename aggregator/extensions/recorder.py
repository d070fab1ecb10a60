"""The crawl-run recorder: one `crawl_runs` row per crawl, written even when the crawl fails.

When the spider opens, a `running` row is inserted (an empty database gets
its schema first), so `scrapy runs` shows crawls in progress and crawls that
died without closing. While items are scraped it keeps the newest
`published_at` seen (freshness). When the spider closes it completes the row
with the finish reason, the health checks' verdict, the counted columns and
the crawl's full stats made JSON-safe, and logs a one-line summary. A
database that is down never stops the crawl: the row is skipped with one
logged line and a counted stat, and the summary is still logged.

Settings: `AGGREGATOR_RECORD_RUNS` (off: no rows), `AGGREGATOR_DATABASE_URL`,
`AGGREGATOR_CLOCK` (run timestamps).
Stats: `aggregator/runs/newest_published_at`, `aggregator/runs/newest_age_seconds`,
`aggregator/runs/not_recorded` (the row could not be written).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.clock import Clock, get_clock
from aggregator.extensions.checks import HealthChecks, Verdict
from aggregator.extensions.figures import (
    LOCK_REFUSED,
    NEWEST_AGE,
    NEWEST_PUBLISHED,
    RunFigures,
    figures_from_stats,
    json_safe,
    site_name,
)
from aggregator.store.runs import FAILED, OK, SKIPPED, CrawlRunRepository, RunRecord
from aggregator.store.schema import SchemaError, open_engine, prepare_schema

logger = logging.getLogger(__name__)


def summary_line(site: str, record: RunRecord, figures: RunFigures) -> str:
    """The one line an operator greps for: outcome, items, traffic, dates, freshness."""
    checks = f" ({', '.join(record.failed_checks)})" if record.failed_checks else ""
    codes = ", ".join(f"{code}: {n}" for code, n in figures.responses_by_status.items())
    dates = ", ".join(f"{source} {n}" for source, n in figures.dates_by_source.items())
    age = figures.newest_age_seconds
    newest = f"{age / 60:.0f} min old" if age is not None else "none"
    spooled = f", {figures.items_spooled} spooled" if figures.items_spooled else ""
    return (
        f"Crawl run of {site}: {record.status}{checks}, {record.finish_reason}"
        f" | items {record.items_new} new, {record.items_updated} updated,"
        f" {record.items_unchanged} unchanged, {figures.items_known} known,"
        f" {record.items_duplicate} duplicate, {record.items_dropped} dropped{spooled}"
        f" | {record.requests} requests ({codes or 'no responses'}),"
        f" {figures.retries} retries, {record.errors} errors"
        f" | dates: {dates or 'none'}, {figures.dates_unparsed} unparsed"
        f" | listing pages {figures.listing_pages}, {figures.listing_without_links} without links"
        f" | newest article {newest}"
    )


class CrawlRunRecorder:
    """Record each crawl in `crawl_runs`."""

    def __init__(self, crawler: Crawler, stats: StatsCollector, database_url: str) -> None:
        self.crawler = crawler
        self.stats = stats
        self.database_url = database_url
        self.clock: Clock = get_clock(crawler.settings)
        self.engine: Engine | None = None
        self.run_id: int | None = None
        self.started_at: datetime | None = None
        self.newest: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("AGGREGATOR_RECORD_RUNS", True):
            raise NotConfigured("AGGREGATOR_RECORD_RUNS is off")
        assert crawler.stats is not None
        recorder = cls(crawler, crawler.stats, crawler.settings.get("AGGREGATOR_DATABASE_URL"))
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = self.clock()
        try:
            self.engine = open_engine(self.database_url)
            prepare_schema(self.engine)
            repository = CrawlRunRepository(self.engine)
            self.run_id = repository.start(
                spider=spider.name, site=site_name(spider), started_at=self.started_at
            )
            # No idle connection held for the hours a crawl may take; close reconnects.
            self.engine.dispose()
        except (SQLAlchemyError, SchemaError) as exc:
            # Said once, at close, where the row is finally given up on.
            logger.debug("Crawl run not started in the database: %s", exc)

    def item_scraped(self, item: Any) -> None:
        published = ItemAdapter(item).get("published_at")
        if isinstance(published, datetime) and (self.newest is None or published > self.newest):
            self.newest = published
            self.stats.set_value(NEWEST_PUBLISHED, published)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        finished_at = self.clock()
        checks = self.crawler.get_extension(HealthChecks)
        verdict = checks.verdict(reason) if checks is not None else None
        # The checks' snapshot, when there is one, so the row shows what they judged.
        figures = verdict.figures if verdict else figures_from_stats(self.stats.get_stats(), reason)
        if self.newest is not None:
            age = (finished_at - self.newest).total_seconds()
            self.stats.set_value(NEWEST_AGE, age)
            figures = replace(figures, newest_age_seconds=age)
        record = self._record(spider, reason, finished_at, figures, verdict)
        self._write(record)
        logger.info(summary_line(site_name(spider), record, figures))

    def _record(
        self,
        spider: Spider,
        reason: str,
        finished_at: datetime,
        figures: RunFigures,
        verdict: Verdict | None,
    ) -> RunRecord:
        if self.stats.get_value(LOCK_REFUSED):
            status = SKIPPED
        elif verdict is not None:
            status = FAILED if verdict.failed else OK
        else:
            status = OK if reason == "finished" else FAILED
        return RunRecord(
            spider=spider.name,
            site=site_name(spider),
            started_at=self.started_at or finished_at,
            finished_at=finished_at,
            finish_reason=reason,
            status=status,
            failed_checks=list(verdict.failed_checks) if verdict is not None else [],
            stats=json_safe(self.stats.get_stats()),
            **figures.counted_columns(),
        )

    def _write(self, record: RunRecord) -> None:
        try:
            if self.engine is None:
                self.engine = open_engine(self.database_url)
                prepare_schema(self.engine)
            CrawlRunRepository(self.engine).finish(self.run_id, record)
        except (SQLAlchemyError, SchemaError) as exc:
            self.stats.inc_value("aggregator/runs/not_recorded")
            logger.error("Crawl run not recorded, the database is unusable: %s", exc)
        finally:
            if self.engine is not None:
                self.engine.dispose()
