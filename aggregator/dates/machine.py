"""Machine-readable dates on standard-library fast paths: ISO 8601 and RFC 2822.

ISO 8601 (JSON-LD, `<meta>`, `<time datetime>`) goes to `datetime.fromisoformat`
after a regex has said which parts are present, so the precision is known.
RFC 2822 (RSS `pubDate`) is read with one regex rather than
`email.utils.parsedate_tz`, which reads an unknown zone such as "CEST" as
UTC; zones come from `zones.ZONES`.

A written time of exactly 00:00 in these formats is what CMSs emit for a date
without a time, so it is reported with day precision.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from datetime import date as date_type

from aggregator.dates.model import NOT_A_DATE, Clock, Instant, Precision, Wall, _Marker
from aggregator.dates.zones import ZONES

_ISO = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?)?)?"
    r"\s?(Z|[+-]\d{2}(?::?\d{2})?)?"
    r"|(\d{8})T(\d{2})(\d{2})?(\d{2})?(?:[.,]\d{1,9})?(Z|[+-]\d{2}(?:\d{2})?)?",
    re.IGNORECASE,
)
_RFC2822 = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun),?\s+)?(\d{1,2})\s+"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(\d{4}|\d{2})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|[a-z]{1,5}))?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

Reading = Instant | Wall | _Marker | None


def read_iso(text: str) -> Reading:
    """An ISO 8601 reading, `NOT_A_DATE` if shaped like one but impossible, else None."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    if match[8]:
        hour, minute, second, offset = match[9], match[10], match[11], match[12]
        date = (match[8][:4], match[8][4:6], match[8][6:])
    else:
        hour, minute, second, offset = match[4], match[5], match[6], match[7]
        date = (match[1], match[2], match[3])
    if date[2] is None:
        if offset is not None:
            return NOT_A_DATE
        return _wall(int(date[0]), int(date[1]), None, None)
    try:
        value = datetime.fromisoformat(text.upper().replace(" ", "T", 1)) if hour else None
        year, month, day = int(date[0]), int(date[1]), int(date[2])
        date_type(year, month, day)
    except ValueError:
        return NOT_A_DATE
    precision = _precision(minute, second, value)
    if value is None:
        return _wall(year, month, day, None)
    if value.tzinfo is not None:
        if not 1900 <= year <= 9998:
            return NOT_A_DATE  # placeholders such as 0001-01-01, and no overflow in UTC
        return Instant(value.astimezone(UTC), precision)
    clock = Clock(value.hour, value.minute, value.second, value.microsecond, precision)
    return _wall(year, month, day, clock)


def _precision(minute: str | None, second: str | None, value: datetime | None) -> Precision:
    if value is None or value.time() == value.min.time():
        return "day"
    return "second" if second else "minute" if minute else "hour"


def _wall(year: int, month: int, day: int | None, clock: Clock | None) -> Wall | _Marker:
    if not 1 <= month <= 12:
        return NOT_A_DATE
    if clock is not None and clock.precision == "day":
        clock = None
    return Wall(year=year, month=month, day=day, clock=clock)


def read_rfc2822(text: str) -> Reading:
    """An RFC 2822 reading (folded, lower-case text), or None if the shape differs."""
    match = _RFC2822.fullmatch(text)
    if match is None:
        return None
    zone: str | int | None = None
    if match[7]:
        name = match[7]
        zone = _numeric_zone(name) if name[0] in "+-" else ZONES.get(name)
        if isinstance(zone, int) and not -14 * 60 <= zone <= 14 * 60:
            return NOT_A_DATE
        if zone is None:
            return None
    year = int(match[3]) if len(match[3]) == 4 else 2000 + int(match[3])
    month = _MONTHS.index(match[2]) + 1
    hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
    try:
        date_type(year, month, int(match[1]))
    except ValueError:
        return NOT_A_DATE
    if hour > 23 or minute > 59 or second > 59:
        return NOT_A_DATE
    clock = None
    if (hour, minute, second) != (0, 0, 0):
        clock = Clock(hour, minute, second, 0, "second" if match[6] else "minute")
    return Wall(year=year, month=month, day=int(match[1]), clock=clock, zone=zone)


def _numeric_zone(text: str) -> int:
    total = int(text[1:3]) * 60 + int(text[3:5])
    return -total if text[0] == "-" else total
