"""Value types of the date parser: the public result and the text-only readings.

Parsing happens in two steps so that the expensive one can be cached. A
*reading* (`Instant`, `Ago`, `Wall`) is everything the text says on its own and
depends on nothing else; `resolve.py` then places it against the fetch time and
the site's timezone. Readings are immutable and hashable so that an LRU cache
can hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

Precision: TypeAlias = Literal["second", "minute", "hour", "day", "month", "year"]
Unit: TypeAlias = Literal["second", "minute", "hour", "day", "week", "month", "year"]

#: From finest to coarsest; the index is a rank (smaller = more precise).
PRECISIONS: tuple[Precision, ...] = ("second", "minute", "hour", "day", "month", "year")


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed date: `value` is aware UTC, `precision` says which fields are real."""

    value: datetime
    precision: Precision


@dataclass(frozen=True, slots=True)
class Instant:
    """Text that names one instant by itself (an ISO or RFC 2822 date with an offset)."""

    value: datetime
    precision: Precision


@dataclass(frozen=True, slots=True)
class Ago:
    """`amount` `unit`s before the fetch time ("29 mins ago"); precision is the unit's."""

    amount: int
    unit: Unit


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as written, with how much of it was written."""

    hour: int
    minute: int = 0
    second: int = 0
    microsecond: int = 0
    precision: Precision = "minute"


@dataclass(frozen=True, slots=True)
class Wall:
    """A calendar reading to place in a zone; missing fields come from the fetch time.

    Exactly one way of naming the day is set: a full or year-less date
    (`month`, optionally `day` and `year`), `days_back` ("yesterday" = 1),
    `weekday` (0 = Monday), or none of them for a bare time of day.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    days_back: int | None = None
    weekday: int | None = None
    clock: Clock | None = None
    zone: str | int | None = None
    """An explicit zone from the text: IANA name, or a fixed offset in minutes."""

    @property
    def precision(self) -> Precision:
        if self.clock is not None:
            return self.clock.precision
        if self.month is not None and self.day is None:
            return "month"
        return "day"


class _Marker:
    """A reading that is not a date (`NOT_A_DATE`) or needs dateparser (`UNKNOWN`)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NOT_A_DATE = _Marker("NOT_A_DATE")
UNKNOWN = _Marker("UNKNOWN")

Reading: TypeAlias = Instant | Ago | Wall | _Marker
