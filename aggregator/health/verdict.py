"""The outcome of the health checks for one crawl, as a value.

Pure: built by the crawl run from the run's figures and the checks' failures
(`rules.evaluate`), then logged, stored in `crawl_runs`, sent as an alert and
turned into the crawl's exit status, all from this one value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aggregator.health.figures import RunFigures
from aggregator.health.rules import Failure


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

    def alert_payload(self, *, site: str, spider: str) -> dict[str, Any]:
        """What an alert says: site, failed checks with their reasons, the run's figures."""
        return {
            "site": site,
            "spider": spider,
            "status": "failed",
            "finish_reason": self.figures.finish_reason,
            "failed": self.failed_checks,
            "reasons": self.reasons(),
            "figures": self.figures.to_json(),
        }
