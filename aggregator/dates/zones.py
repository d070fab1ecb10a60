"""Zones: abbreviations found in news dates, and wall-clock to UTC across DST changes.

Abbreviations that name a region's civil time (ET, CT, MT, PT) map to an IANA
zone, so "10:30 ET" is EDT in July and EST in January; abbreviations that
already say summer or standard time (EDT, CET, CEST) map to fixed offsets.
Where one abbreviation has several meanings, the one dateparser uses is kept
(CST = US Central, IST = India, AST = Atlantic).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as fixed_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

#: Abbreviation (lower-case) -> IANA name, or a fixed offset in minutes east of UTC.
ZONES: dict[str, str | int] = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "west": 60, "bst": 60,
    "cet": 60, "cest": 120, "met": 60, "mest": 120, "mez": 60, "mesz": 120,
    "eet": 120, "eest": 180, "msk": 180, "мск": 180, "trt": 180,
    "wat": 60, "cat": 120, "sast": 120, "eat": 180, "ist": 330, "pkt": 300,
    "wib": 420, "ict": 420, "hkt": 480, "sgt": 480, "awst": 480, "pht": 480,
    "jst": 540, "kst": 540, "acst": 570, "acdt": 630, "aest": 600, "aedt": 660,
    "nzst": 720, "nzdt": 780,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
    "pst": -480, "pdt": -420, "akst": -540, "akdt": -480, "hst": -600,
    "ast": -240, "adt": -180, "nst": -210, "ndt": -150,
    "brt": -180, "art": -180, "clt": -240, "clst": -180,
    "et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver",
    "pt": "America/Los_Angeles",
}  # fmt: skip

_GRACE = timedelta(minutes=5)


@lru_cache(maxsize=512)
def get_zone(zone: str | int | None) -> tzinfo:
    """A tzinfo for an IANA name, a fixed offset in minutes, or None (UTC)."""
    if zone is None or zone == 0 or zone == "UTC":
        return UTC
    if isinstance(zone, int):
        return fixed_timezone(timedelta(minutes=zone))
    return ZoneInfo(zone)


def to_utc(local: datetime, zone: tzinfo, latest: datetime) -> datetime:
    """Read a naive wall-clock time in `zone` and return it in UTC.

    When clocks go back, a wall time happens twice: the later reading is
    taken unless it lies after `latest` (the fetch time plus grace), because
    an article shown at 01:30 just after the change was most likely published
    minutes ago, not an hour and minutes ago. When clocks go forward, a wall
    time in the gap never happened: it is read with the offset in force before
    the change, as a clock not yet moved on would show it (02:30 -> 03:30).
    """
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if isinstance(zone, fixed_timezone):
        return first
    second = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if second > first and second <= latest:
        return second
    return first


def grace(now: datetime) -> datetime:
    """The latest acceptable date for a page fetched at `now`."""
    return now + _GRACE
