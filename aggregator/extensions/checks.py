"""Health checks at spider close: the verdict that makes a scheduled crawl exit non-zero.

The checks themselves are the table in `rules.py`; this extension resolves
their thresholds for the crawl's site (settings, then the site's `[checks]`),
reads the recent completed runs of the same site from `crawl_runs` for the
`items_drop` check, logs the verdict in one line, puts it in the stats (which
`scrapy crawl` and `scrapy crawlall` turn into the exit status) and sends
alerts when a check failed. A run the site lock refused is not judged.

The verdict is computed once and shared (`verdict()`), so the crawl-run
recorder stores exactly what was logged, whichever of the two runs first.

Settings: `AGGREGATOR_CHECKS_ENABLED`, `AGGREGATOR_CHECK_*` (see `rules.py`),
`AGGREGATOR_DATABASE_URL`, and the alert settings of `alerts.py`.
Stats: `aggregator/checks/failed` (how many failed; 0 when all passed),
`aggregator/checks/failed/<check>` (1 for each failed check),
`aggregator/checks/history_unavailable` (past runs could not be read).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from sqlalchemy.exc import SQLAlchemyError

from aggregator.extensions.alerts import AlertSender
from aggregator.extensions.figures import (
    LOCK_REFUSED,
    RunFigures,
    figures_from_stats,
    site_name,
)
from aggregator.extensions.rules import Failure, Limits, evaluate, resolve_limits
from aggregator.store.runs import CrawlRunRepository
from aggregator.store.schema import open_engine

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of the checks for one crawl."""

    figures: RunFigures
    failures: tuple[Failure, ...] = ()
    skipped: bool = False
    """True when the run was refused by the site lock: nothing was crawled to judge."""

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    @property
    def failed_checks(self) -> list[str]:
        return [failure.check for failure in self.failures]

    def reasons(self) -> list[str]:
        return [f"{failure.check}: {failure.message}" for failure in self.failures]


class HealthChecks:
    """Judge a crawl when its spider closes."""

    def __init__(
        self,
        stats: StatsCollector,
        limits: Limits,
        database_url: str,
        alerts: AlertSender,
        *,
        spider: str,
        site: str,
    ) -> None:
        self.stats = stats
        self.limits = limits
        self.database_url = database_url
        self.alerts = alerts
        self.spider = spider
        self.site = site
        self._verdict: Verdict | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("AGGREGATOR_CHECKS_ENABLED", True):
            raise NotConfigured("AGGREGATOR_CHECKS_ENABLED is off")
        assert crawler.stats is not None and crawler.spider is not None
        site = getattr(crawler.spider, "site", None)
        extension = cls(
            crawler.stats,
            resolve_limits(settings, getattr(site, "checks", None) or {}),
            settings.get("AGGREGATOR_DATABASE_URL"),
            AlertSender.from_crawler(crawler),
            spider=crawler.spider.name,
            site=site_name(crawler.spider),
        )
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def verdict(self, reason: str) -> Verdict:
        """The checks' outcome for this crawl, computed on first call."""
        if self._verdict is None:
            stats = self.stats.get_stats()
            figures = figures_from_stats(stats, reason)
            if stats.get(LOCK_REFUSED):
                self._verdict = Verdict(figures, skipped=True)
            else:
                history = self._history() if self._needs_history() else []
                self._verdict = Verdict(figures, evaluate(figures, history, self.limits))
        return self._verdict

    def _needs_history(self) -> bool:
        return self.limits.thresholds.get("items_drop") is not None

    def _history(self) -> list[RunFigures]:
        engine = None
        try:
            engine = open_engine(self.database_url)
            repository = CrawlRunRepository(engine)
            if not repository.has_table():
                return []
            past = repository.history(
                spider=self.spider, site=self.site, limit=self.limits.history_runs
            )
        except SQLAlchemyError as exc:
            self.stats.inc_value("aggregator/checks/history_unavailable")
            logger.warning("Past runs unreadable, items_drop not checked: %s", exc)
            return []
        finally:
            if engine is not None:
                engine.dispose()
        return [figures_from_stats(stats) for stats in past]

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        verdict = self.verdict(reason)
        if verdict.skipped:
            return
        self.stats.set_value("aggregator/checks/failed", len(verdict.failures))
        for failure in verdict.failures:
            self.stats.set_value(f"aggregator/checks/failed/{failure.check}", 1)
        if not verdict.failed:
            logger.info("Health checks passed for %s", self.site)
            return
        logger.error("Health checks failed for %s: %s", self.site, "; ".join(verdict.reasons()))
        if self.alerts.configured:
            await self.alerts.send(self.alert_payload(verdict))

    def alert_payload(self, verdict: Verdict) -> dict[str, Any]:
        """What an alert says: site, failed checks with their reasons, the run's figures."""
        return {
            "site": self.site,
            "spider": self.spider,
            "status": "failed",
            "finish_reason": verdict.figures.finish_reason,
            "failed": verdict.failed_checks,
            "reasons": verdict.reasons(),
            "figures": verdict.figures.to_json(),
        }
