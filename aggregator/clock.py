"""The project's clock: the one place that reads the current time.

Components obtain it with `get_clock(settings)` so that tests and benchmarks
can freeze it through the `AGGREGATOR_CLOCK` setting without patching the
standard library: the setting is a callable, its import path, or an ISO 8601
timestamp with an offset, which freezes the clock at that instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from scrapy.utils.misc import load_object

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def frozen(instant: datetime) -> Clock:
    """A clock that always answers `instant` (aware), in UTC."""
    if instant.tzinfo is None:
        raise ValueError(f"a frozen clock needs an aware datetime, got {instant!r}")
    value = instant.astimezone(UTC)
    return lambda: value


def get_clock(settings: Any) -> Clock:
    """The clock named by `AGGREGATOR_CLOCK` (default: `utcnow`)."""
    value = settings.get("AGGREGATOR_CLOCK") or utcnow
    if isinstance(value, datetime):
        return frozen(value)
    if isinstance(value, str) and value[:1].isdigit():
        return frozen(datetime.fromisoformat(value))
    clock: Clock = load_object(value) if isinstance(value, str) else value
    return clock
