"""The health checks as data: one row per check (metric, threshold key, comparison).

Pure (imports neither Scrapy nor SQLAlchemy), so each check is tested with fabricated
figures. A check's threshold is the setting `AGGREGATOR_CHECK_<KEY>` and can
be overridden per site in its TOML file under `[checks]` with the lower-case
key (`max_error_rate = 0.3`); `false` there switches the check off for that
site. `validate_overrides` is what `aggregator.sites` calls on that table.

Articles count as found when scraped or when skipped as already stored
(incremental crawling), so a healthy site with nothing new passes; the drop
check compares articles per listing page, because incremental crawling reads
fewer listing pages once a site is known. A metric
that does not apply (no history yet, no dates tried, nothing requested)
passes: a check fails only on evidence.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from aggregator.health.figures import RunFigures

Limit = float | tuple[str, ...]
Metric = Callable[[RunFigures, Sequence[RunFigures]], "float | str | None"]
SETTING_PREFIX = "AGGREGATOR_CHECK_"
HISTORY_KEY = "history_runs"


class SettingsLike(Protocol):
    """The part of Scrapy's `Settings` the checks read."""

    def get(self, name: str, default: Any = None) -> Any: ...


class CheckConfigError(ValueError):
    """A threshold is unknown or malformed; `key` names it, the message says why."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def _articles(now: RunFigures, _history: Sequence[RunFigures]) -> float:
    return float(now.articles_seen)


def _items_ratio(now: RunFigures, history: Sequence[RunFigures]) -> float | None:
    current = now.articles_per_listing_page
    past = [rate for run in history if (rate := run.articles_per_listing_page) is not None]
    # The median shrugs off one unusual past run in either direction.
    baseline = statistics.median(past) if past else 0
    return current / baseline if current is not None and baseline else None


def _error_rate(now: RunFigures, _history: Sequence[RunFigures]) -> float | None:
    return now.error_rate


def _unparsed(now: RunFigures, _history: Sequence[RunFigures]) -> float | None:
    return now.unparsed_share


def _finish_reason(now: RunFigures, _history: Sequence[RunFigures]) -> str | None:
    return now.finish_reason


def _empty_listings(now: RunFigures, _history: Sequence[RunFigures]) -> float:
    return float(now.listing_without_links)


def _unstored(now: RunFigures, _history: Sequence[RunFigures]) -> float:
    return float(now.items_spooled)


def _body_fallback(now: RunFigures, _history: Sequence[RunFigures]) -> float | None:
    return now.body_fallback_share


@dataclass(frozen=True, slots=True)
class Check:
    """One health check: fails when `metric` is on the wrong side of the threshold `key`."""

    name: str
    key: str
    metric: Metric
    comparison: Literal["min", "max", "one_of"]
    kind: Literal["count", "share", "reasons"]
    message: str
    """Format string with `{value}` and `{limit}`, read by an operator at 3 a.m."""

    @property
    def setting(self) -> str:
        return SETTING_PREFIX + self.key.upper()

    def fails(self, value: float | str | None, limit: Limit) -> bool:
        if value is None:
            return False
        if self.comparison == "one_of":
            return isinstance(limit, tuple) and value not in limit
        assert isinstance(value, float) and isinstance(limit, float)
        return value < limit if self.comparison == "min" else value > limit


CHECKS: tuple[Check, ...] = (
    Check(
        "no_articles",
        "min_articles",
        _articles,
        "min",
        "count",
        "{value:g} articles found, at least {limit:g} expected",
    ),
    Check(
        "items_drop",
        "min_items_ratio",
        _items_ratio,
        "min",
        "share",
        "articles per listing page fell to {value:.0%} of the recent median (at least {limit:.0%})",
    ),
    Check(
        "error_rate",
        "max_error_rate",
        _error_rate,
        "max",
        "share",
        "{value:.0%} of requests ended in an error or a refusal (at most {limit:.0%})",
    ),
    Check(
        "unparsed_dates",
        "max_unparsed_dates",
        _unparsed,
        "max",
        "share",
        "{value:.0%} of dates could not be parsed (at most {limit:.0%})",
    ),
    Check(
        "finish_reason",
        "finish_reasons",
        _finish_reason,
        "one_of",
        "reasons",
        "the crawl ended with {value!r}, expected one of {limit}",
    ),
    Check(
        "listing_without_links",
        "max_listing_without_links",
        _empty_listings,
        "max",
        "count",
        "{value:g} listing pages had no article link, at most {limit:g} allowed (layout change?)",
    ),
    Check(
        "unstored_articles",
        "max_unstored_articles",
        _unstored,
        "max",
        "count",
        "{value:g} articles wait in the spool, not in the database (at most {limit:g})",
    ),
    Check(
        "body_fallback",
        "max_body_fallback",
        _body_fallback,
        "max",
        "share",
        "{value:.0%} of article pages had no body or needed the body fallback"
        " (at most {limit:.0%}): a layout extraction does not handle?",
    ),
)
KNOWN_KEYS = (*(check.key for check in CHECKS), HISTORY_KEY)


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed check and the sentence that explains it."""

    check: str
    message: str


def _limit(check: Check, value: Any) -> Limit | None:
    """A validated threshold, None when switched off; raises CheckConfigError."""
    if value is None or value is False or (isinstance(value, str) and not value.strip()):
        return None
    if check.kind == "reasons":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise CheckConfigError(check.key, f"expected a list of finish reasons, got {value!r}")
        return tuple(item.strip() for item in items if item.strip())
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise CheckConfigError(check.key, f"expected a number or false, got {value!r}") from None
    if not math.isfinite(number):
        # nan compares false with everything, inf never fails: either switches the check off unseen.
        raise CheckConfigError(check.key, f"expected a finite number or false, got {value!r}")
    if number < 0 or (check.kind == "share" and number > 1):
        bounds = "between 0 and 1" if check.kind == "share" else "0 or more"
        raise CheckConfigError(check.key, f"expected a number {bounds}, got {value!r}")
    return number


def _history_runs(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CheckConfigError(HISTORY_KEY, f"expected a whole number >= 1, got {value!r}")
    try:
        runs = int(value)
    except ValueError:
        runs = 0
    if runs < 1:
        raise CheckConfigError(HISTORY_KEY, f"expected a whole number >= 1, got {value!r}")
    return runs


def validate_overrides(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A site's `[checks]` table, checked key by key; raises CheckConfigError."""
    by_key = {check.key: check for check in CHECKS}
    for key, value in raw.items():
        if key == HISTORY_KEY:
            _history_runs(value)
        elif key in by_key:
            _limit(by_key[key], value)
        else:
            raise CheckConfigError(key, f"unknown check; known: {', '.join(KNOWN_KEYS)}")
    return dict(raw)


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds in force for one crawl (None: check off) and how many past runs to compare."""

    thresholds: Mapping[str, Limit | None]
    history_runs: int


def resolve_limits(settings: SettingsLike, overrides: Mapping[str, Any]) -> Limits:
    """Settings first, the site's `[checks]` table over them; raises CheckConfigError."""
    thresholds = {
        check.name: _limit(check, overrides.get(check.key, settings.get(check.setting)))
        for check in CHECKS
    }
    history = overrides.get(HISTORY_KEY, settings.get(SETTING_PREFIX + HISTORY_KEY.upper(), 5))
    return Limits(thresholds, _history_runs(history))


def evaluate(
    figures: RunFigures, history: Sequence[RunFigures], limits: Limits
) -> tuple[Failure, ...]:
    """Every check that fails for this run, in table order."""
    failures = []
    for check in CHECKS:
        limit = limits.thresholds.get(check.name)
        if limit is None:
            continue
        value = check.metric(figures, history)
        if check.fails(value, limit):
            shown = ", ".join(limit) if isinstance(limit, tuple) else limit
            failures.append(Failure(check.name, check.message.format(value=value, limit=shown)))
    return tuple(failures)
