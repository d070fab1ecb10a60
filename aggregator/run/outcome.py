"""A crawl's outcome: the exit status a scheduler acts on and the one-line reason behind it.

Decided once, by the crawl run when its spider closes, from the run's own
values (was it refused by the lock, the health checks' verdict, its figures);
`scrapy crawl`, `scrapy crawlall` and `scrapy demo` read it from the crawl
run and never from stats keys.

Exit statuses: 0 ok (every check passed, or checks are off); 1 a check
failed, the checks gave no verdict, or the crawl did not start; 2 a usage
error (decided by the commands before a crawl starts); 75 (EX_TEMPFAIL)
another run of the same site holds its lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.health.figures import RunFigures
from aggregator.health.verdict import Verdict

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75
NO_VERDICT = "the health checks gave no verdict (see the log for the error)"
NOT_STARTED = "the crawl did not start (see the log)"
REFUSED = "another run of this site is still going"


@dataclass(frozen=True, slots=True)
class Outcome:
    """Exit status, one-word outcome (`ok`, `failed`, `skipped`) and a one-line detail."""

    status: int
    word: str
    detail: str

    def as_tuple(self) -> tuple[int, str, str]:
        return self.status, self.word, self.detail


NOT_STARTED_OUTCOME = Outcome(EXIT_FAILED, "failed", NOT_STARTED)


def decide(
    figures: RunFigures, verdict: Verdict | None, *, refused: bool, checked: bool
) -> Outcome:
    """The outcome of a closed crawl.

    `verdict` is None when the checks are off (`checked` False) or when they
    raised (an ERROR in the log): a crawl expected to be judged and not judged
    fails, so a broken check is never a silent pass.
    """
    if refused:
        return Outcome(EXIT_LOCKED, "skipped", REFUSED)
    if verdict is None and checked:
        return Outcome(EXIT_FAILED, "failed", NO_VERDICT)
    if verdict is not None and verdict.failed:
        return Outcome(EXIT_FAILED, "failed", ", ".join(verdict.failed_checks))
    detail = f"{figures.items_scraped} items, {figures.items_new} new ({figures.finish_reason})"
    return Outcome(EXIT_OK, "ok", detail)


def overall_status(statuses: list[int]) -> int:
    """The exit status of several crawls (`crawlall`): any failure wins over a refusal."""
    if EXIT_FAILED in statuses:
        return EXIT_FAILED
    if EXIT_LOCKED in statuses:
        return EXIT_LOCKED
    return EXIT_OK if all(status == EXIT_OK for status in statuses) else EXIT_FAILED
