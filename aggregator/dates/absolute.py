"""Calendar dates written for people: "5 de julio de 2024, 14:30 CEST", "Jul 5, 9:05 pm ET",
"05.07.2024 um 14.30 Uhr", "yesterday at 5:30 PM", "Friday", "14h30".

The text (folded, lower-case) is read in three passes: the time of day and a
zone right after it are cut out first, then a numeric date ("05/07/2024"), and
what is left must be month, weekday and day words, numbers and fillers. Any
word not in the vocabulary makes the reading fail, so that text this module
does not understand goes to dateparser instead of being half-read.

Numeric dates follow the site's order (`month_first` for US sites); a part
above 12 settles the order by itself, and dots always mean day-first.
"""

from __future__ import annotations

import re
from calendar import monthrange

from aggregator.dates.model import NOT_A_DATE, Clock, Precision, Wall, _Marker
from aggregator.dates.words import DAYS_BACK, FILLERS, MONTHS, WEEKDAYS
from aggregator.dates.zones import ZONES

_CLOCK = re.compile(
    r"(?<![\d:.,/])(?P<h>\d{1,2})"
    r"(?:[:h](?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"|\.(?P<dm>\d{2})(?=\s*(?:uhr|h|am|pm)\b))?"
    r"(?:\s*(?P<ap>am|pm)\b)?(?P<tail>\s*(?:uhr|h|hrs|horas|hs|ч)\b)?(?![\d:])"
)
# A clock has ":" or "h" (14h30, Uhr, horas), "m" (am, pm) or "ч" in it.
_CLOCK_MARKS = (":", "h", "m", "ч")
# "um 14.30", "alle 14.30": a dotted time is a time only after such a word (or before
# "Uhr", "h", "am", "pm": "4.34 pm" is how British sites print the time).
_DOTTED = re.compile(r"\b(?:um|alle|ore|las|as|в|at)\s+(?P<h>\d{1,2})\.(?P<m>\d{2})(?![\d.])")
_ZONE = re.compile(
    r"\s*\(?\s*(?:(?P<name>[a-z\u0430-\u044f]{1,5})\b(?:\s*(?P<s1>[+-])\s*(?P<h1>\d{1,2})(?::?(?P<m1>\d{2}))?)?"
    r"|(?P<s2>[+-])(?P<h2>\d{2}):?(?P<m2>\d{2})?)\s*\)?(?![\w+-])"
)
_YMD = re.compile(r"(?<![\d.,/-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/-]|\.\d)")
_DMY = re.compile(r"(?<![\d.,/-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
# Year-less: "5/7", or dotted only as "05.07" or "5.7." (so that "12.5%" stays a number).
_DM = re.compile(
    r"(?<![\d.,/-])(?:(\d{1,2})(/)(\d{1,2})|(\d{2})(\.)(\d{2})|(\d{1,2})(\.)(\d{1,2})(?=\.))"
    r"(?![\d/%-]|\.\d)"
)
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_UTC_NAMES = ("gmt", "utc", "ut")

Result = Wall | _Marker | None


def read_absolute(text: str, *, month_first: bool) -> Result:
    """A `Wall` reading, `NOT_A_DATE` for an impossible date, None if not understood."""
    found = _cut_clock(text)
    if isinstance(found, _Marker):
        return found
    clock, zone, rest = found
    numeric = _cut_numeric(rest, month_first)
    if isinstance(numeric, _Marker):
        return numeric
    date, rest = numeric
    return _assemble(_TOKEN.findall(rest), date, clock, zone)


def _cut_clock(text: str) -> tuple[Clock | None, str | int | None, str] | _Marker:
    match = None
    if any(mark in text for mark in _CLOCK_MARKS):
        clocks = _CLOCK.finditer(text)
        match = next((m for m in clocks if m["m"] or m["dm"] or m["ap"] or m["tail"]), None)
    if match is not None:
        minute = match["m"] or match["dm"]
        clock = _clock(int(match["h"]), minute, match["s"], match["f"], match["ap"])
    else:
        match = _DOTTED.search(text)
        if match is None:
            return None, None, text
        clock = _clock(int(match["h"]), match["m"], None, None, None)
    if clock is None:
        return NOT_A_DATE
    zone, end = _zone_after(text, match.end())
    return clock, zone, text[: match.start("h")] + " " + text[end:]


def _clock(hour: int, minute: str | None, second: str | None, fraction: str | None,
           meridiem: str | None) -> Clock | None:  # fmt: skip
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    m = int(minute) if minute else 0
    s = int(second) if second else 0
    if hour > 23 or m > 59 or s > 59:
        return None
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    precision: Precision = "second" if second else "minute" if minute else "hour"
    return Clock(hour, m, s, micro, precision)


def _zone_after(text: str, start: int) -> tuple[str | int | None, int]:
    match = _ZONE.match(text, start)
    if match is None:
        return None, start
    name = match["name"]
    zone: str | int | None
    if name is None:
        zone = _offset(match["s2"], match["h2"], match["m2"])
    elif match["s1"]:
        zone = _offset(match["s1"], match["h1"], match["m1"]) if name in _UTC_NAMES else None
    else:
        zone = ZONES.get(name)
    return (zone, match.end()) if zone is not None else (None, start)


def _offset(sign: str, hours: str, minutes: str | None) -> int | None:
    """Minutes east of UTC, or None if no zone on Earth has that offset."""
    if int(hours) > 14 or int(minutes or 0) > 59:
        return None
    total = int(hours) * 60 + int(minutes or 0)
    return -total if sign == "-" else total


Date = tuple[int | None, int, int]


def _cut_numeric(text: str, month_first: bool) -> tuple[Date | None, str] | _Marker:
    for pattern in (_YMD, _DMY, _DM):
        match = pattern.search(text)
        if match is None:
            continue
        date = _numeric_date(pattern, match, month_first)
        if date is None:
            return NOT_A_DATE
        return date, text[: match.start()] + " " + text[match.end() :]
    return None, text


def _numeric_date(pattern: re.Pattern[str], match: re.Match[str], month_first: bool) -> Date | None:
    parts = [group for group in match.groups() if group is not None]
    if pattern is _YMD:
        return _valid(int(parts[0]), int(parts[2]), int(parts[3]))
    a, b = int(parts[0]), int(parts[2])
    year: int | None = None
    if pattern is _DMY:
        year = int(parts[3]) if len(parts[3]) == 4 else _century(int(parts[3]))
    dotted = parts[1] == "."
    if b > 12 or (month_first and a <= 12 and not dotted):
        a, b = b, a
    return _valid(year, b, a)


def _century(short_year: int) -> int:
    return (2000 if short_year < 70 else 1900) + short_year


def _valid(year: int | None, month: int, day: int) -> Date | None:
    if not 1 <= month <= 12 or day < 1 or (year is not None and not 1 <= year <= 9999):
        return None
    if day > monthrange(year if year is not None else 2000, month)[1]:
        return None
    return year, month, day


def _assemble(tokens: list[str], date: Date | None, clock: Clock | None,
              zone: str | int | None) -> Result:  # fmt: skip
    words: dict[str, list[int]] = {kind: [] for kind in _KINDS}
    i = 0
    while i < len(tokens):
        kind, value, i = _classify(tokens, i)
        if kind is None:
            return None
        words[kind].append(value)
    months, weekdays, days_back, years, days = (words[kind] for kind in _KINDS[:5])
    if len(months) + len(days_back) + (date is not None) > 1 or len(weekdays) > 1:
        return None
    if months:
        named = _month_date(months[0], years, days)
        if not isinstance(named, tuple):
            return named
        date = named
    elif years or days:
        return None
    if date is not None:
        year, month, day = date
        return Wall(year=year, month=month, day=day or None, clock=clock, zone=zone)
    if days_back:
        return Wall(days_back=days_back[0], clock=clock, zone=zone)
    if weekdays:
        return Wall(weekday=weekdays[0], clock=clock, zone=zone)
    return Wall(clock=clock, zone=zone) if clock is not None else None


_KINDS = ("month", "weekday", "days_back", "year", "day", "filler")
# One table for the calendar words, and for each first word the longest phrase
# it starts, so that most tokens cost one lookup.
_WORDS: dict[tuple[str, ...], tuple[str, int]] = {
    phrase: (kind, value)
    for kind, table in (("weekday", WEEKDAYS), ("month", MONTHS), ("days_back", DAYS_BACK))
    for phrase, value in table.items()
}
_LONGEST: dict[str, int] = {}
for _phrase in _WORDS:
    _LONGEST[_phrase[0]] = max(_LONGEST.get(_phrase[0], 1), len(_phrase))


def _classify(tokens: list[str], i: int) -> tuple[str | None, int, int]:
    """The kind and value of the word (or longest phrase) at `i`, and where the next starts."""
    token = tokens[i]
    if token.isdecimal():
        return ("year" if len(token) == 4 else "day"), int(token), i + 1
    for size in range(min(_LONGEST.get(token, 1), len(tokens) - i), 0, -1):
        found = _WORDS.get(tuple(tokens[i : i + size]))
        if found is not None:
            return found[0], found[1], i + size
    if token in FILLERS:
        return "filler", 0, i + 1
    return None, 0, i


def _month_date(month: int, years: list[int], days: list[int]) -> Date | _Marker | None:
    """A date from a month word and the numbers beside it; day 0 means "no day"."""
    if len(years) > 1 or len(days) > 1:
        return None
    if not days:
        return (years[0], month, 0) if years else NOT_A_DATE
    return _valid(years[0] if years else None, month, days[0]) or NOT_A_DATE
