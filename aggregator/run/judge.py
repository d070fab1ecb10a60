"""Step 3 of the crawl run: the health checks' verdict, counted, logged and alerted.

A collaborator of the crawl run, built by it: the checks themselves are the
pure table of `aggregator.health.rules`; this reads the past runs they
compare against (through the run's ledger), counts the verdict in the stats,
logs it in one line and sends alerts when a check failed. A run refused by
the lock is not judged; checks that raise leave no verdict (logged with the
error), which the crawl run turns into a failed outcome.

Stats: `aggregator/checks/failed`, `aggregator/checks/failed/<check>`,
`aggregator/checks/history_unavailable`.
"""

from __future__ import annotations

import logging

from scrapy.statscollectors import StatsCollector

from aggregator.health.figures import RunFigures
from aggregator.health.rules import Limits, evaluate
from aggregator.health.verdict import Verdict
from aggregator.run.alerts import AlertSender
from aggregator.run.record import RunLedger

logger = logging.getLogger(__name__)


class HealthJudge:
    """Judge one crawl when its spider closes."""

    def __init__(
        self,
        stats: StatsCollector,
        limits: Limits | None,
        ledger: RunLedger | None,
        alerts: AlertSender,
        *,
        spider: str,
        site: str,
    ) -> None:
        self.stats = stats
        self.limits = limits
        self.ledger = ledger
        self.alerts = alerts
        self.spider = spider
        self.site = site

    async def verdict(self, figures: RunFigures, *, refused: bool) -> Verdict | None:
        """The checks' verdict; None when they are off or when they raised."""
        if refused:
            return Verdict(figures, skipped=True)
        if self.limits is None:
            return None
        try:
            verdict = Verdict(figures, evaluate(figures, self._history(), self.limits))
        except Exception:
            logger.exception("The health checks of %s raised: no verdict", self.site)
            return None
        self.stats.set_value("aggregator/checks/failed", len(verdict.failures))
        for failure in verdict.failures:
            self.stats.set_value(f"aggregator/checks/failed/{failure.check}", 1)
        if not verdict.failed:
            logger.info("Health checks passed for %s", self.site)
            return verdict
        logger.error("Health checks failed for %s: %s", self.site, "; ".join(verdict.reasons()))
        if self.alerts.configured:
            await self.alerts.send(verdict.alert_payload(site=self.site, spider=self.spider))
        return verdict

    def _history(self) -> list[RunFigures]:
        """Past runs for `items_drop`; none when that check is off or they are unreadable."""
        assert self.limits is not None
        if self.limits.thresholds.get("items_drop") is None or self.ledger is None:
            return []
        past = self.ledger.history(
            spider=self.spider, site=self.site, limit=self.limits.history_runs
        )
        if past is None:
            self.stats.inc_value("aggregator/checks/history_unavailable")
            return []
        return past
