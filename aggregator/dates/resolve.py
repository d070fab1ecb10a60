"""Placing a reading in time: against the fetch time (`now`) and the site's zone.

This is the only step that depends on `now`, so everything before it can be
cached by text. Rules (contract 5 in docs/architecture.md):

- relative amounts under a day count back from `now` to the second;
- days, weeks and named days ("yesterday") are calendar days in the zone, and
  a day-precision value is that day's midnight in the zone, in UTC;
- month- and year-precision values are the first instant of that month or year;
- a date without a year, a weekday or a bare time is its most recent past
  occurrence (with five minutes' grace for clocks that run ahead);
- the result is never later than `now` plus the grace, nor before 1900 (CMS
  placeholders such as 0001-01-01).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from aggregator.dates.model import Ago, Instant, ParsedDate, Precision, Wall
from aggregator.dates.zones import get_zone, grace, to_utc

_SUB_DAY: dict[str, tuple[int, Precision]] = {
    "second": (1, "second"),
    "minute": (60, "minute"),
    "hour": (3600, "hour"),
}
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def resolve(reading: Instant | Ago | Wall, now: datetime, zone: tzinfo) -> ParsedDate | None:
    """The reading as a `ParsedDate`, or None if it lies in the future or nowhere."""
    latest = grace(now)
    if isinstance(reading, Instant):
        result: ParsedDate | None = ParsedDate(reading.value, reading.precision)
    elif isinstance(reading, Ago):
        result = _ago(reading, now, zone, latest)
    else:
        result = _wall(reading, now, zone, latest)
    if result is None or not _EARLIEST <= result.value <= latest:
        return None
    return result


def _ago(reading: Ago, now: datetime, zone: tzinfo, latest: datetime) -> ParsedDate | None:
    unit, amount = reading.unit, reading.amount
    # Amounts reaching back before 1900 are rejected here, before date
    # arithmetic could overflow.
    if unit in _SUB_DAY:
        seconds, precision = _SUB_DAY[unit]
        if amount * seconds > (now - _EARLIEST).total_seconds():
            return None
        value = now.replace(microsecond=0) - timedelta(seconds=amount * seconds)
        return ParsedDate(value.astimezone(UTC), precision)
    today = now.astimezone(zone).date()
    if unit in ("day", "week"):
        days = amount * (7 if unit == "week" else 1)
        if days > (today - _EARLIEST.date()).days:
            return None
        return _midnight(today - timedelta(days=days), zone, latest, "day")
    months = today.year * 12 + today.month - 1 - amount * (12 if unit == "year" else 1)
    year, month = divmod(months, 12)
    if year < _EARLIEST.year:
        return None
    first = date(year, 1, 1) if unit == "year" else date(year, month + 1, 1)
    return _midnight(first, zone, latest, "year" if unit == "year" else "month")


def _midnight(day: date, zone: tzinfo, latest: datetime, precision: Precision) -> ParsedDate:
    return ParsedDate(to_utc(datetime.combine(day, time()), zone, latest), precision)


def _wall(reading: Wall, now: datetime, zone: tzinfo, latest: datetime) -> ParsedDate | None:
    if reading.zone is not None:
        zone = get_zone(reading.zone)
    today = now.astimezone(zone).date()
    if reading.year is not None and not _EARLIEST.year <= reading.year <= today.year + 1:
        return None  # also keeps UTC conversion away from year 1 and 9999
    clock = reading.clock
    wall_time = time()
    if clock is not None:
        wall_time = time(clock.hour, clock.minute, clock.second, clock.microsecond)
    for day in _candidate_days(reading, today):
        value = to_utc(datetime.combine(day, wall_time), zone, latest)
        if value <= latest:
            return ParsedDate(value, reading.precision)
    return None


def _candidate_days(reading: Wall, today: date) -> Iterator[date]:
    """Days the reading may mean, latest first; the first not in the future wins."""
    if reading.month is not None:
        years = (
            [reading.year] if reading.year is not None else range(today.year, today.year - 9, -1)
        )
        for year in years:
            try:
                yield date(year, reading.month, reading.day or 1)
            except ValueError:  # 29 February in a common year
                continue
    elif reading.days_back is not None:
        yield today - timedelta(days=reading.days_back)
    elif reading.weekday is not None:
        latest = today - timedelta(days=(today.weekday() - reading.weekday) % 7)
        yield from (latest, latest - timedelta(days=7))
    else:
        yield from (today, today - timedelta(days=1))
