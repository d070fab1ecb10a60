"""The shape of the date tables, and checks that hold for every row of them.

Each `test_dates_*.py` module holds a `ROWS` list of `Case`s, one per format
met in the wild; `benchmarks/dates.py` scores `parse_date` and dateparser on
the same rows. This module defines `Case`, builds rows, and checks the result
type itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.dates import PRECISIONS, ParsedDate, parse_date

#: A Friday, 14:00:45 in Madrid.
NOW = "2024-07-05T12:00:45+00:00"


@dataclasses.dataclass(frozen=True)
class Case:
    """One row: the text, the fetch time and site, and the expected reading."""

    raw: str
    expected: str | None
    """The instant as ISO 8601 with an offset, or None for "not a date"."""
    precision: str | None = None
    timezone: str | None = None
    languages: tuple[str, ...] | None = None
    now: str = NOW

    @property
    def now_dt(self) -> datetime:
        return datetime.fromisoformat(self.now)

    @property
    def expected_dt(self) -> datetime | None:
        return datetime.fromisoformat(self.expected) if self.expected else None

    def without_hint(self) -> Case:
        return dataclasses.replace(self, languages=None)


Row = tuple[str, str | None, str | None]


def cases(
    rows: Iterable[Row],
    *,
    timezone: str | None = None,
    languages: tuple[str, ...] | None = None,
    now: str = NOW,
) -> list[Case]:
    """Rows of (text, expected, precision) sharing a site and a fetch time."""
    return [Case(raw, value, precision, timezone, languages, now) for raw, value, precision in rows]


def params(rows: Iterable[Case]) -> list[object]:
    """pytest parameters with readable ids."""
    return [
        pytest.param(case, id=f"{case.raw!r}@{case.timezone or 'UTC'}/{case.now[:16]}")
        for case in rows
    ]


def check(case: Case) -> None:
    """Assert that `parse_date` reads the row as the table says."""
    result = parse_date(case.raw, now=case.now_dt, timezone=case.timezone, languages=case.languages)
    expected = case.expected_dt
    if expected is None:
        assert result is None, f"{case.raw!r} is not a date, got {result}"
        return
    assert result is not None, f"{case.raw!r} should read as {case.expected}"
    assert result.value.utcoffset() == timedelta(0)
    assert (result.value.isoformat(), result.precision) == (
        expected.astimezone(UTC).isoformat(),
        case.precision,
    )


def test_parsed_date_is_a_frozen_slotted_dataclass() -> None:
    parsed = ParsedDate(datetime(2024, 7, 5, tzinfo=UTC), "day")
    assert dataclasses.is_dataclass(parsed)
    assert not hasattr(parsed, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.precision = "hour"  # type: ignore[misc]


def test_precisions_are_the_contract_words_from_finest_to_coarsest() -> None:
    assert PRECISIONS == ("second", "minute", "hour", "day", "month", "year")


def test_value_is_utc_even_when_the_text_has_another_offset() -> None:
    result = parse_date("2024-07-05T10:30:00+02:00", now=datetime.fromisoformat(NOW))
    assert result is not None
    assert result.value.tzinfo is UTC
    assert result.value == datetime(2024, 7, 5, 8, 30, tzinfo=UTC)


def test_same_text_at_different_fetch_times_is_not_served_from_a_stale_cache() -> None:
    first = parse_date("29 mins ago", now=datetime(2024, 7, 5, 12, 0, tzinfo=UTC))
    second = parse_date("29 mins ago", now=datetime(2024, 7, 6, 12, 0, tzinfo=UTC))
    assert first is not None and second is not None
    assert second.value - first.value == timedelta(days=1)


def test_same_numeric_text_follows_each_site_order() -> None:
    now = datetime.fromisoformat(NOW)
    us = parse_date("07/05/2024", now=now, timezone="America/New_York", languages=["en"])
    spain = parse_date("07/05/2024", now=now, timezone="Europe/Madrid", languages=["es"])
    assert us is not None and spain is not None
    assert (us.value.month, us.value.day) == (7, 5)
    assert (spain.value.month, spain.value.day) == (5, 6)  # 7 May, midnight in Madrid


def test_a_naive_fetch_time_is_read_as_utc() -> None:
    result = parse_date("2 hours ago", now=datetime(2024, 7, 5, 12, 0))  # noqa: DTZ001
    assert result is not None
    assert result.value == datetime(2024, 7, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw", [None, 5, b"2024-07-05"])
def test_non_strings_give_none(raw: object) -> None:
    assert parse_date(raw, now=datetime.fromisoformat(NOW)) is None  # type: ignore[arg-type]
