"""The dateparser fallback, for text the fast paths do not read (other languages, odd forms).

dateparser is imported on first use only (about 55 ms to import, 100 ms for
the first call). It is guarded on both sides, because it finds dates in junk
("N/A" is an Estonian Thursday, "5" is the fifth of this month) and because a
failed call on text in no known language costs milliseconds:

- before: `plausible` lets text through only if every Latin, Greek or Cyrillic
  word in it is a word dateparser knows in one of the candidate languages, and
  one of three letters or more means something (a month, a unit, "yesterday";
  not "the", "of", "at"), or it has words in a script that cannot be checked
  word by word (CJK, Thai, Arabic). Numbers alone were the fast paths' to read;
- after: the caller drops results after the fetch time plus grace.

Settings used together, as dateparser needs them for relative text:
RELATIVE_BASE (the fetch time on the site's wall clock), TIMEZONE,
TO_TIMEZONE='UTC', RETURN_AS_TIMEZONE_AWARE, plus PREFER_DATES_FROM='past' so
that a year-less date is not put in the coming months, and
RETURN_TIME_AS_PERIOD so that a time of day is told apart from a bare day.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, tzinfo
from functools import lru_cache
from typing import Any

from aggregator.dates.model import Ago, ParsedDate, Precision
from aggregator.dates.resolve import resolve
from aggregator.dates.text import fold, tokenize
from aggregator.dates.zones import get_zone, grace, to_utc

# The relative base carries this microsecond so that a relative result
# (base minus an amount) can be told from an absolute one, which has none.
_MARK = 123457
# Locale entries whose words are allowed around a date but do not make one
# ("in" marks the future, which is refused anyway).
_SKIPPED_KEYS = frozenset(
    {"name", "date_order", "skip", "pertain", "sentence_splitter_group", "in"}
)
# What dateparser taught us about a text, which does not depend on `now`: that
# it is no date (None), or that it is a relative amount (`Ago`).
_LEARNED: dict[tuple[str, str, tuple[str, ...] | None], Ago | None] = {}
_MAX_LEARNED = 20_000
_UNIT_SIZES: tuple[tuple[int, Precision], ...] = ((86400, "day"), (3600, "hour"), (60, "minute"))
_SECONDS: dict[str, int] = {"second": 1, "minute": 60, "hour": 3600}


def plausible(folded: str, languages: tuple[str, ...] | None) -> bool:
    """Whether dateparser could read `folded` (folded, lower-case text) in `languages`."""
    allowed, meaningful = _vocabulary(languages)
    has_word = False
    for token in tokenize(folded):
        if token.isdecimal():
            continue
        if not _latin_greek_cyrillic(token):
            has_word = True  # cannot be checked word by word: let dateparser judge
            continue
        if token not in allowed:
            return False
        has_word = has_word or (len(token) >= 3 and token in meaningful)
    return has_word


def _latin_greek_cyrillic(token: str) -> bool:
    # Other scripts are written without spaces (CJK, Thai) or join particles to
    # words (Arabic), so their tokens are not dateparser's words.
    return ord(token[0]) < 0x0530


@lru_cache(maxsize=64)
def supported(languages: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The codes dateparser knows (it raises on others); None if none is known."""
    from dateparser.languages.loader import LocaleDataLoader

    known: list[str] = []
    for code in languages or ():
        try:
            LocaleDataLoader().get_locale_map(languages=[code])
        except ValueError:
            continue
        known.append(code)
    return tuple(known) or None


@lru_cache(maxsize=64)
def _vocabulary(languages: tuple[str, ...] | None) -> tuple[frozenset[str], frozenset[str]]:
    """(every word dateparser accepts, the words that mean something) in `languages`."""
    from dateparser.languages.loader import LocaleDataLoader
    from dateparser.timezones import timezone_info_list

    meaningful: set[str] = set()
    skipped: set[str] = set()
    codes = supported(languages)
    locales = LocaleDataLoader().get_locale_map(languages=list(codes) if codes else None)
    for locale in locales.values():
        for key, value in locale.info.items():
            _collect(value, skipped if key in _SKIPPED_KEYS else meaningful)
    for group in timezone_info_list:
        for entry in group["timezones"]:
            skipped.add(fold(str(entry[0]).lower()))  # entry: (abbreviation, offset)
    return frozenset(meaningful | skipped), frozenset(meaningful)


def _collect(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.update(tokenize(fold(value.lower())))
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(key, into)
            _collect(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into)


def parse_fallback(
    text: str, now: datetime, zone_name: str, languages: tuple[str, ...] | None
) -> ParsedDate | None:
    """dateparser's reading of `text`, with a precision, or None."""
    key = (text, zone_name, languages)
    zone = get_zone(zone_name)
    if key in _LEARNED:
        learned = _LEARNED[key]
        return resolve(learned, now, zone) if learned is not None else None
    base = now.astimezone(zone).replace(tzinfo=None, microsecond=_MARK)
    data = _call_dateparser(text, base, zone_name, languages)
    if data is None:
        _learn(key, None)
        return None
    value, period = data
    if not 1900 <= value.year <= now.year + 1:
        return None  # placeholders, and no overflow when moving to local midnight
    base_utc = base.replace(tzinfo=zone).astimezone(UTC)
    precision = _precision(value, period, base_utc)
    if value.microsecond == _MARK:
        ago = _as_ago(value, precision, base_utc, zone)
        _learn(key, ago)
        return resolve(ago, now, zone)
    return _normalise(value, precision, zone, now)


def forget() -> None:
    """Drop what was learned from dateparser (for tests and benchmarks)."""
    _LEARNED.clear()


def _learn(key: tuple[str, str, tuple[str, ...] | None], reading: Ago | None) -> None:
    if len(_LEARNED) >= _MAX_LEARNED:
        _LEARNED.clear()
    _LEARNED[key] = reading


def _as_ago(value: datetime, precision: Precision, base: datetime, zone: tzinfo) -> Ago:
    """A relative result (base minus an amount) as that amount, to reuse at any `now`."""
    if precision in _SECONDS:
        return Ago(round((base - value).total_seconds()) // _SECONDS[precision], precision)
    then, today = value.astimezone(zone).date(), base.astimezone(zone).date()
    if precision == "day":
        return Ago((today - then).days, "day")
    months = (today.year - then.year) * 12 + today.month - then.month
    return Ago(months // 12, "year") if precision == "year" else Ago(months, "month")


def _call_dateparser(
    text: str, base: datetime, zone_name: str, languages: tuple[str, ...] | None
) -> tuple[datetime, str] | None:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": base,
        "TIMEZONE": zone_name,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
    }
    codes = supported(languages)
    try:
        parser = DateDataParser(languages=list(codes) if codes else None, settings=settings)
        data = parser.get_date_data(text)
    except Exception:  # a third-party parser on arbitrary text: any failure means "no date"
        return None
    value = data.date_obj
    if value is None or value.tzinfo is None:
        return None
    return value.astimezone(UTC), str(data.period)


def _precision(value: datetime, period: str, base: datetime) -> Precision:
    if period in ("month", "year"):
        return "month" if period == "month" else "year"
    if period == "week":
        return "day"
    if value.microsecond != _MARK:
        if period == "time":
            return "second" if value.second else "minute"
        return "day"
    # Relative: the amount taken from the base tells the unit.
    seconds = round((base - value).total_seconds())
    if seconds == 0:
        return "minute" if period == "time" else "day"
    for size, unit in _UNIT_SIZES:
        if seconds % size == 0:
            return unit
    return "second"


def _normalise(value: datetime, precision: Precision, zone: tzinfo, now: datetime) -> ParsedDate:
    if precision in ("second", "minute", "hour"):
        return ParsedDate(value.replace(microsecond=0), precision)
    local = value.astimezone(zone).date()
    if precision == "month":
        local = local.replace(day=1)
    elif precision == "year":
        local = local.replace(month=1, day=1)
    return ParsedDate(to_utc(datetime.combine(local, time()), zone, grace(now)), precision)
