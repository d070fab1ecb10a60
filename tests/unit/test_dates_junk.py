"""Garbage and the future: text that is not a date, impossible dates, dates after
the fetch time plus five minutes; and a property test that no `str` raises.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.dates import PRECISIONS, parse_date
from tests.unit.test_dates_table import Case, cases, check, params

# From the seed page (/work/shared/seed/news-page.txt) and other pages met.
NOT_DATES = cases(
    [
        ("", None, None),
        ("   ", None, None),
        ("Source link", None, None),
        ("Admin", None, None),
        ("N/A", None, None),
        ("5", None, None),
        ("99/99/9999", None, None),
        ("Categories: News", None, None),
        ("Recent Posts", None, None),
        ("(TagstoTranslate)Nicolas Maduro(T)Sergei Lavrov", None, None),
        ("Kanye West here on June 8, 1977. I noticed as a producer", None, None),
        ("By John Smith", None, None),
        ("2024", None, None),
        ("12.5%", None, None),
        ("Page 2 of 10", None, None),
        ("3 comments", None, None),
        ("Share on Facebook", None, None),
        ("—", None, None),
        ("ago", None, None),
        ("hace", None, None),
        ("May", None, None),
        ("July", None, None),
        ("31/02/2024", None, None),
        ("2024-13-01", None, None),
        ("2024-02-30T10:00:00Z", None, None),
        ("32 July 2024", None, None),
        ("25:61", None, None),
        ("13:75 pm", None, None),
        ("0001-01-01T00:00:00Z", None, None),
        ("1899-12-31", None, None),
        ("10 reasons to read the news", None, None),
        ("1 of 5", None, None),
        ("at 10", None, None),
        ("on 5", None, None),
        ("in 2024", None, None),
        ("2 de 10", None, None),
        ("10 min read", None, None),
        ("x" * 500, None, None),
    ]
)

FUTURE = cases(
    [
        ("tomorrow", None, None),
        ("in 3 hours", None, None),
        ("2024-07-06", None, None),
        ("2024-07-05T12:10:00Z", None, None),
        ("Dec 31, 2024", None, None),
        ("today at 11:59 pm", None, None),
        ("9999-12-31T23:59:59+14:00", None, None),
        ("-5 minutes ago", "2024-07-05T11:55:45Z", "minute"),
    ],
    languages=("en",),
)

ROWS: list[Case] = [*NOT_DATES, *(c.without_hint() for c in NOT_DATES[:8]), *FUTURE]


@pytest.mark.parametrize("case", params(ROWS))
def test_garbage_and_future_give_none(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("languages", [None, ("en",), ("es", "en")])
def test_seed_page_junk_gives_none_with_any_hint(languages: tuple[str, ...] | None) -> None:
    now = datetime(2024, 7, 5, 12, tzinfo=UTC)
    for raw in ("Source link", "Admin", "N/A", "5", "99/99/9999", "Categories: News"):
        assert parse_date(raw, now=now, languages=languages) is None, raw


ZONES = st.sampled_from([None, "UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata"])
NOWS = st.datetimes(
    min_value=datetime(2001, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(2090, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
DATE_WORDS = st.sampled_from(
    [
        word
        for line in (
            "ago hace il y a vor fa назад yesterday ayer hier gestern today hoy 5 12 29 2024",
            "1999 mins hours h d am pm uhr CEST ET GMT+2 +02:00 : / . - , July julio Juli июля",
            "de Monday at às um 14h30 9:05 2024-07-05 T10:30 Z Fri, Jul N/A",
        )
        for word in line.split(" ")
    ]
)


def _assert_sane(result: object, now: datetime) -> None:
    if result is None:
        return
    value = result.value  # type: ignore[attr-defined]
    assert value.tzinfo is UTC
    assert value <= now + timedelta(minutes=5)
    assert result.precision in PRECISIONS  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(raw=st.text(max_size=60), now=NOWS, zone=ZONES)
def test_no_text_raises_and_results_are_utc_and_not_in_the_future(
    raw: str, now: datetime, zone: str | None
) -> None:
    _assert_sane(parse_date(raw, now=now, timezone=zone), now)


@settings(max_examples=400, deadline=None)
@given(words=st.lists(DATE_WORDS, max_size=8), now=NOWS, zone=ZONES, hint=st.booleans())
def test_no_jumble_of_date_words_raises(
    words: list[str], now: datetime, zone: str | None, hint: bool
) -> None:
    raw = " ".join(words)
    languages = ["en", "es"] if hint else None
    _assert_sane(parse_date(raw, now=now, timezone=zone, languages=languages), now)
