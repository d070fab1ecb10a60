"""Languages beyond the seven fast-path ones go to dateparser, guarded and with
a precision; text in one of the seven is read the same whatever the hint says.

Fetch time: Friday 2024-07-05 12:00:45 UTC.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import aggregator.dates.fallback as fallback
from aggregator.dates import clear_caches, parse_date
from tests.unit.test_dates_table import Case, cases, check, params

OTHER_LANGUAGES = [
    *cases(
        [
            ("3 uur geleden", "2024-07-05T09:00:45Z", "hour"),
            ("gisteren", "2024-07-04T00:00:00+02:00", "day"),
            ("gisteren om 17:30", "2024-07-04T17:30:00+02:00", "minute"),
            ("vandaag", "2024-07-05T00:00:00+02:00", "day"),
            ("5 maart 2024", "2024-03-05T00:00:00+01:00", "day"),
            ("5 juli 2024 om 10:30", "2024-07-05T10:30:00+02:00", "minute"),
            ("5 december", "2023-12-05T00:00:00+01:00", "day"),
        ],
        timezone="Europe/Amsterdam",
        languages=("nl",),
    ),
    *cases(
        [
            ("2 dni temu", "2024-07-03T00:00:00+02:00", "day"),
            ("wczoraj", "2024-07-04T00:00:00+02:00", "day"),
            ("5 marca 2024", "2024-03-05T00:00:00+01:00", "day"),
        ],
        timezone="Europe/Warsaw",
        languages=("pl",),
    ),
    *cases([("3時間前", "2024-07-05T09:00:45Z", "hour")], timezone="Asia/Tokyo", languages=("ja",)),
    *cases(
        [("2024年7月5日", "2024-07-05T00:00:00+09:00", "day")],
        timezone="Asia/Tokyo",
        languages=("ja",),
    ),
    *cases(
        [("昨天", "2024-07-04T00:00:00+08:00", "day")], timezone="Asia/Shanghai", languages=("zh",)
    ),
    *cases(
        [("3시간 전", "2024-07-05T09:00:45Z", "hour")], timezone="Asia/Seoul", languages=("ko",)
    ),
    *cases(
        [("3 saat önce", "2024-07-05T09:00:45Z", "hour")],
        timezone="Europe/Istanbul",
        languages=("tr",),
    ),
    *cases(
        [("před 3 hodinami", "2024-07-05T09:00:45Z", "hour")],
        timezone="Europe/Prague",
        languages=("cs",),
    ),
    *cases(
        [("för 2 dagar sedan", "2024-07-03T00:00:00+02:00", "day")],
        timezone="Europe/Stockholm",
        languages=("sv",),
    ),
    *cases(
        [("πριν από 3 ώρες", "2024-07-05T09:00:45Z", "hour")],
        timezone="Europe/Athens",
        languages=("el",),
    ),
    *cases(
        [("3 години тому", "2024-07-05T09:00:45Z", "hour")],
        timezone="Europe/Kyiv",
        languages=("uk",),
    ),
    *cases(
        [("منذ 3 ساعات", "2024-07-05T09:00:45Z", "hour")], timezone="Asia/Riyadh", languages=("ar",)
    ),
    *cases(
        [("3 घंटे पहले", "2024-07-05T09:00:45Z", "hour")], timezone="Asia/Kolkata", languages=("hi",)
    ),
    *cases(
        [("5. heinäkuuta 2024", "2024-07-05T00:00:00+03:00", "day")],
        timezone="Europe/Helsinki",
        languages=("fi",),
    ),
    *cases(
        [("acum 3 ore", "2024-07-05T09:00:45Z", "hour")],
        timezone="Europe/Bucharest",
        languages=("ro",),
    ),
    *cases(
        [("3 jam yang lalu", "2024-07-05T09:00:45Z", "hour")],
        timezone="Asia/Jakarta",
        languages=("id",),
    ),
]

# Forms of the seven languages that only dateparser reads.
RARE_FORMS = [
    *cases([("last week", "2024-06-28T00:00:00Z", "day")], languages=("en",)),
    *cases(
        [("la semana pasada", "2024-06-28T00:00:00+02:00", "day")],
        timezone="Europe/Madrid",
        languages=("es",),
    ),
]

# A hint for the wrong language does not stop the fast paths.
WRONG_HINT = cases(
    [
        ("hace 3 horas", "2024-07-05T09:00:45Z", "hour"),
        ("3 days ago", "2024-07-02T00:00:00Z", "day"),
        ("hier à 17h30", "2024-07-04T17:30:00Z", "minute"),
        ("13 июля", "2023-07-13T00:00:00Z", "day"),
    ],
    languages=("de",),
)

ROWS: list[Case] = [*OTHER_LANGUAGES, *RARE_FORMS, *WRONG_HINT]


@pytest.mark.parametrize("case", params(ROWS))
def test_other_languages_and_rare_forms(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", params(c.without_hint() for c in OTHER_LANGUAGES[:3]))
def test_other_languages_are_detected_without_a_hint(case: Case) -> None:
    check(case)


def test_an_unknown_language_code_does_not_raise() -> None:
    now = datetime(2024, 7, 5, 12, tzinfo=UTC)
    result = parse_date("3 uur geleden", now=now, languages=["xx", "nl"])
    assert result is not None and result.value == datetime(2024, 7, 5, 9, tzinfo=UTC)


@pytest.fixture
def cold_caches() -> None:
    """Forget cached readings and dateparser misses, so that every path runs again."""
    clear_caches()


@pytest.mark.usefixtures("cold_caches")
def test_fast_paths_do_not_call_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(fallback, "_call_dateparser", refuse)
    now = datetime(2024, 6, 1, 8, 7, 6, tzinfo=UTC)
    for raw in ("2024-05-31T10:00:00Z", "Fri, 31 May 2024 10:00:00 GMT", "vor 3 Stunden",
                "31 de mayo de 2024", "yesterday at 5:30 PM", "Source link", "N/A"):  # fmt: skip
        parse_date(raw, now=now, languages=["en", "es", "de"])
    assert parse_date("vor 3 Stunden", now=now) is not None


@pytest.mark.usefixtures("cold_caches")
def test_junk_dateparser_would_misread_is_refused_before_calling_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = fallback._call_dateparser

    def spy(text: str, *args: object) -> object:
        calls.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fallback, "_call_dateparser", spy)
    now = datetime(2024, 7, 5, 12, tzinfo=UTC)
    for raw in ("N/A", "Admin", "Source link", "Kanye West here on June 8, 1977", "5"):
        assert parse_date(raw, now=now) is None
    assert calls == []


@pytest.mark.usefixtures("cold_caches")
def test_a_relative_reading_learned_from_dateparser_is_reused_at_other_fetch_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = fallback._call_dateparser

    def spy(text: str, *args: object) -> object:
        calls.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fallback, "_call_dateparser", spy)
    first_now = datetime(2024, 7, 5, 12, 0, 45, tzinfo=UTC)
    later_now = datetime(2024, 9, 1, 8, 30, 10, tzinfo=UTC)
    for now in (first_now, later_now):
        result = parse_date("3 uur geleden", now=now, timezone="Europe/Amsterdam", languages=["nl"])
        assert result is not None
        assert (now - result.value, result.precision) == (timedelta(hours=3), "hour")
    yesterday = parse_date("gisteren", now=later_now, timezone="Europe/Amsterdam", languages=["nl"])
    again = parse_date("gisteren", now=first_now, timezone="Europe/Amsterdam", languages=["nl"])
    assert yesterday is not None and again is not None
    assert yesterday.value == datetime(2024, 8, 30, 22, tzinfo=UTC)  # 31 August, Amsterdam
    assert again.value == datetime(2024, 7, 3, 22, tzinfo=UTC)
    assert calls == ["3 uur geleden", "gisteren"]


def test_dateparser_is_imported_only_when_the_fast_paths_give_up() -> None:
    code = (
        "import sys, datetime as d\n"
        "from aggregator.dates import parse_date\n"
        "now = d.datetime(2024, 7, 5, 12, tzinfo=d.timezone.utc)\n"
        "for raw in ('2024-07-05T10:00:00Z', 'hace 3 horas', '5. Juli 2024', ''):\n"
        "    parse_date(raw, now=now)\n"
        "before = 'dateparser' in sys.modules\n"
        "parse_date('3 uur geleden', now=now, languages=['nl'])\n"
        "print(before, 'dateparser' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert out.stdout.split() == ["False", "True"], out.stderr
