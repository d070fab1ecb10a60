"""The crawl run: one extension owning a crawl's lock, verdict, record, stats file and outcome.

In code order, for one crawl:

1. **Lock** (when the extension is built, before the engine and every
   pipeline exist): `build_lock` gives the site's `CrawlLock`. A refused run
   logs one line naming the holder, counts `aggregator/lock/refused`, and is
   closed as soon as its spider opens, with finish reason `already_running`
   (or `lock_unavailable` when the lock could not even be tried). Components
   that would write ask `refused` (the store pipeline opens no database and
   no spool for a refused run); nobody's settings are changed.
2. **Row**: when the spider opens, a `running` row in `crawl_runs` (not for a
   refused run, which gets a `skipped` row at close).
3. **Verdict** (spider closed, `judge.py`): the health checks of `aggregator.health` on
   the run's figures and the site's past runs; logged in one line, counted
   in stats, sent as an alert when a check failed. A refused run is not
   judged. Checks that raise leave no verdict, and the run fails.
4. **Record**: the row closed with the real outcome (retried, else spooled
   for `scrapy db replay`, see `record.py`), and the one-line summary.
5. **Outcome**: exit status and reason (`outcome.py`), read by the commands
   through `outcome_of(crawler)`; then the lock is released.
6. **Stats file** (`files.py`): at `engine_stopped`, after every component
   has counted its last event; a run closed while opening never starts its
   engine, so its file is written when its spider closes (nothing ran that
   could still count).

Settings: `AGGREGATOR_LOCK_ENABLED`, `AGGREGATOR_LOCK_DIR`,
`AGGREGATOR_CHECKS_ENABLED`, `AGGREGATOR_CHECK_*`, `AGGREGATOR_RECORD_RUNS`,
`AGGREGATOR_DATABASE_URL`, `AGGREGATOR_SPOOL_DIR`,
`AGGREGATOR_RUN_RECORD_RETRY_DELAYS`, `AGGREGATOR_STATS_FILE`,
`AGGREGATOR_CLOCK`, the alert settings of `alerts.py`.
Stats: `aggregator/lock/refused`, `aggregator/checks/failed`,
`aggregator/checks/failed/<check>`, `aggregator/checks/history_unavailable`,
`aggregator/runs/newest_published_at`, `aggregator/runs/newest_age_seconds`,
`aggregator/runs/not_recorded`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater

from aggregator.clock import get_clock
from aggregator.health.figures import (
    LOCK_REFUSED,
    NEWEST_AGE,
    NEWEST_PUBLISHED,
    RunFigures,
    figures_from_stats,
    json_safe,
    site_name,
)
from aggregator.health.rules import Limits, resolve_limits
from aggregator.health.verdict import Verdict
from aggregator.queue.identity import worker_identity
from aggregator.run.alerts import AlertSender
from aggregator.run.files import write_stats_file
from aggregator.run.judge import HealthJudge
from aggregator.run.lock import CrawlLock, LockHeld, build_lock
from aggregator.run.outcome import NOT_STARTED_OUTCOME, Outcome, decide
from aggregator.run.record import RunLedger, retry_delays
from aggregator.run.summary import summary_line
from aggregator.store.bounds import database_timeout
from aggregator.store.runs import FAILED, OK, SKIPPED, RunRecord

logger = logging.getLogger(__name__)

REFUSED_REASON = "already_running"
LOCK_FAILED_REASON = "lock_unavailable"


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (other crawls of `crawlall` go on)."""
    # Imported here: importing the reactor at module level would install the default one
    # before Scrapy installs the configured (asyncio) reactor.
    from twisted.internet import reactor

    await deferred_to_future(deferLater(reactor, seconds, lambda: None))


def site_hosts(spider: Spider) -> list[str]:
    """The hosts a site's crawl touches: its allowed domains, else its start URLs' hosts."""
    site = getattr(spider, "site", None)
    domains = list(getattr(site, "allowed_domains", ()) or getattr(spider, "allowed_domains", ()))
    return [str(domain) for domain in domains]


class CrawlRun:
    """One crawl, from lock to outcome."""

    def __init__(
        self,
        crawler: Crawler,
        stats: StatsCollector,
        *,
        lock: CrawlLock | None,
        limits: Limits | None,
        ledger: RunLedger | None,
        alerts: AlertSender,
    ) -> None:
        assert crawler.spider is not None
        self.crawler = crawler
        self.stats = stats
        self.spider = crawler.spider.name
        self.site = site_name(crawler.spider)
        self.lock = lock
        self.limits = limits
        self.ledger = ledger
        self.judge = HealthJudge(stats, limits, ledger, alerts, spider=self.spider, site=self.site)
        self.clock = get_clock(crawler.settings)
        # Which `scrapy worker` and queue job started this crawl (none by hand or cron).
        self.identity = worker_identity(crawler.settings)
        self.stats_file: str = crawler.settings.get("AGGREGATOR_STATS_FILE") or ""
        self.refusal: str | None = None
        """The finish reason of a run refused by the lock, None while it may crawl."""
        self.started_at: datetime | None = None
        self.newest: datetime | None = None
        self.engine_ran = False
        self.outcome: Outcome | None = None
        """Set when the spider closes; read by the commands through `outcome_of`."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        assert crawler.stats is not None and crawler.spider is not None
        site = getattr(crawler.spider, "site", None)
        run = cls(
            crawler,
            crawler.stats,
            lock=cls._build_lock(settings, crawler.spider),
            limits=resolve_limits(settings, getattr(site, "checks", None) or {})
            if settings.getbool("AGGREGATOR_CHECKS_ENABLED", True)
            else None,
            ledger=RunLedger(
                settings.get("AGGREGATOR_DATABASE_URL"),
                Path(settings.get("AGGREGATOR_SPOOL_DIR") or "spool"),
                retry_delays(settings),
                database_timeout(settings),
            )
            if settings.getbool("AGGREGATOR_RECORD_RUNS", True)
            else None,
            alerts=AlertSender.from_crawler(crawler),
        )
        run.take_lock()
        crawler.signals.connect(run.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(run.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(run.engine_started, signal=signals.engine_started)
        crawler.signals.connect(run.engine_stopped, signal=signals.engine_stopped)
        return run

    @staticmethod
    def _build_lock(settings: BaseSettings, spider: Spider) -> CrawlLock | None:
        if not settings.getbool("AGGREGATOR_LOCK_ENABLED", True):
            return None
        return build_lock(settings, site_name(spider), site_hosts(spider))

    @property
    def refused(self) -> bool:
        """Whether this run was refused the lock: it must fetch, store and replay nothing."""
        return self.refusal is not None

    def take_lock(self) -> None:
        """Step 1: take the site's lock, or log why not and remember the refusal."""
        if self.lock is None:
            return
        try:
            self.lock.acquire()
        except LockHeld as held:
            self.stats.set_value(LOCK_REFUSED, 1)
            logger.error(
                "Not crawling %s: another crawl of it is still running (%s holds %s)",
                self.site,
                held,
                self.lock.description,
            )
            self.refusal = REFUSED_REASON
        except Exception as exc:  # the lock cannot even be tried: say why, crawl nothing
            logger.error(
                "Not crawling %s: cannot lock %s: %s", self.site, self.lock.description, exc
            )
            self.refusal = LOCK_FAILED_REASON

    def spider_opened(self, spider: Spider) -> None:
        """Step 2: a refused run closes now; another gets its `running` row."""
        if self.refusal is not None:
            raise CloseSpider(self.refusal)
        self.started_at = self.clock()
        if self.ledger is not None:
            self.ledger.open(
                spider=self.spider,
                site=self.site,
                started_at=self.started_at,
                identity=self.identity,
            )

    def item_scraped(self, item: Any) -> None:
        published = ItemAdapter(item).get("published_at")
        if isinstance(published, datetime) and (self.newest is None or published > self.newest):
            self.newest = published
            self.stats.set_value(NEWEST_PUBLISHED, published)

    def engine_started(self) -> None:
        self.engine_ran = True

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """Steps 3 to 5: verdict, record, outcome, then the lock goes."""
        try:
            finished_at = self.clock()
            figures = self._figures(reason, finished_at)
            verdict = await self.judge.verdict(figures, refused=self.refused)
            # Decided before the record is written: a record that fails changes no exit status.
            self.outcome = decide(
                figures, verdict, refused=self.refused, checked=self.limits is not None
            )
            await self._record(self._run_record(reason, finished_at, figures, verdict), figures)
        finally:
            if self.lock is not None:
                self.lock.release()
            if not self.engine_ran:  # no engine_stopped will follow
                self._write_stats_file()

    def engine_stopped(self) -> None:
        """Step 6: the stats file, once every component has counted its last event."""
        self._write_stats_file()

    def _figures(self, reason: str, finished_at: datetime) -> RunFigures:
        figures = figures_from_stats(self.stats.get_stats(), reason)
        if self.newest is None:
            return figures
        age = (finished_at - self.newest).total_seconds()
        self.stats.set_value(NEWEST_AGE, age)
        return replace(figures, newest_age_seconds=age)

    def _run_record(
        self, reason: str, finished_at: datetime, figures: RunFigures, verdict: Verdict | None
    ) -> RunRecord:
        if self.refused:
            status = SKIPPED
        elif verdict is not None:
            status = FAILED if verdict.failed else OK
        else:  # checks off: the finish reason decides; checks that raised: failed
            status = OK if reason == "finished" and self.limits is None else FAILED
        return RunRecord(
            spider=self.spider,
            site=self.site,
            started_at=self.started_at or finished_at,
            finished_at=finished_at,
            finish_reason=reason,
            status=status,
            failed_checks=list(verdict.failed_checks) if verdict is not None else [],
            stats=json_safe(self.stats.get_stats()),
            counts=figures.counted_columns(),
            identity=self.identity,
        )

    async def _record(self, record: RunRecord, figures: RunFigures) -> None:
        if self.ledger is not None and not await self.ledger.close(record, sleep):
            self.stats.inc_value("aggregator/runs/not_recorded")
        logger.info(summary_line(self.site, record, figures))

    def _write_stats_file(self) -> None:
        if self.stats_file:
            write_stats_file(self.stats_file, self.spider, self.stats.get_stats())


def crawl_run_of(crawler: Crawler) -> CrawlRun | None:
    """The crawl run of `crawler`, None when its extensions were never built."""
    try:
        return crawler.get_extension(CrawlRun)
    except RuntimeError:  # the crawl never got as far as building its extensions
        return None


def outcome_of(crawler: Crawler) -> Outcome:
    """The outcome of a finished crawler: its crawl run's, or "did not start"."""
    run = crawl_run_of(crawler)
    if run is None or run.outcome is None:
        return NOT_STARTED_OUTCOME
    return run.outcome
