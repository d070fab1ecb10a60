"""Reading `Retry-After` (issue 15, fault 6): delta-seconds, HTTP-dates, junk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregator.middlewares.retry_after import retry_after_seconds

NOW = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("20", 20.0),
        (" 0 ", 0.0),
        ("Fri, 05 Jul 2024 12:00:30 GMT", 30.0),
        ("Fri, 05 Jul 2024 11:00:00 GMT", 0.0),  # in the past: retry now
        ("", None),
        (None, None),
        ("-5", None),
        ("soon", None),
        ("1.5", None),
    ],
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds
