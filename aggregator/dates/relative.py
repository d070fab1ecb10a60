"""Relative dates: "29 mins ago", "hace 3 horas", "vor einem Tag", "10h", "just now".

Reads folded tokens (see `text.tokenize`) into an `Ago` reading: an amount of
one unit before the fetch time. Compound amounts ("1 hour 20 minutes ago") are
expressed in their finest unit, which is also the precision. Days named by a
word ("yesterday") are calendar readings and live in `absolute.py`.
"""

from __future__ import annotations

from aggregator.dates.model import Ago, Unit
from aggregator.dates.words import (
    AFTER,
    BEFORE,
    COMPACT_UNITS,
    CONJUNCTIONS,
    FEW,
    NOW,
    NUMBERS,
    UNIT_ORDER,
    UNITS,
    Phrase,
)

_SECONDS: dict[Unit, int] = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
}
_MONTHS: dict[Unit, int] = {"month": 1, "year": 12}
_FEW = -1  # "a few": only meaningful for seconds ("a few seconds ago" = just now)


def read_relative(tokens: list[str]) -> Ago | None:
    """The `Ago` the tokens describe, or None if they are not a relative date."""
    if tuple(tokens) in NOW:
        return Ago(0, "minute")
    body, marked = _strip_marker(tokens)
    if not body:
        return None
    parts = _amounts(body)
    if parts is None:
        return None
    if not marked and not _compact(body):
        return None
    return _combine(parts)


def _strip_marker(tokens: list[str]) -> tuple[list[str], bool]:
    for size in (3, 2, 1):
        if len(tokens) > size and tuple(tokens[:size]) in BEFORE:
            return tokens[size:], True
        if len(tokens) > size and tuple(tokens[-size:]) in AFTER:
            return tokens[:-size], True
    return tokens, False


def _compact(body: list[str]) -> bool:
    """Unmarked text is relative only as one "<digits><short unit>" ("10h", "5 min")."""
    return len(body) == 2 and body[0].isdecimal() and (body[1],) in COMPACT_UNITS


def _amounts(body: list[str]) -> list[tuple[int, Unit]] | None:
    parts: list[tuple[int, Unit]] = []
    i = 0
    while i < len(body):
        if parts and (body[i],) in CONJUNCTIONS:
            i += 1
            continue
        amount, i = _amount(body, i)
        unit = UNITS.get((body[i],)) if i < len(body) else None
        if unit is None:
            return None
        if amount is None:
            if len(body) != 1:
                return None
            amount = 1  # "час назад", "hour ago": the unit alone means one
        parts.append((amount, unit))
        i += 1
    return parts or None


def _amount(body: list[str], i: int) -> tuple[int | None, int]:
    token = body[i]
    if token.isdecimal():
        return (int(token) if len(token) <= 6 else None), i + 1
    for size in (2, 1):
        phrase: Phrase = tuple(body[i : i + size])
        if len(phrase) == size and phrase in FEW:
            return _FEW, i + size
    number = NUMBERS.get((token,))
    if number is not None and i + 1 < len(body):
        return number, i + 1
    return None, i


def _combine(parts: list[tuple[int, Unit]]) -> Ago | None:
    units = [unit for _, unit in parts]
    if len(parts) != len(set(units)):
        return None
    finest = min(units, key=UNIT_ORDER.index)
    if any(amount == _FEW for amount, _ in parts):
        # Only "a few seconds" is precise enough to keep; "a few hours" is not.
        return Ago(0, "minute") if parts == [(_FEW, "second")] else None
    if len(parts) == 1:
        return Ago(parts[0][0], finest)
    if all(unit in _SECONDS for unit in units):
        total = sum(amount * _SECONDS[unit] for amount, unit in parts)
        return Ago(total // _SECONDS[finest], finest)
    if all(unit in _MONTHS for unit in units):
        return Ago(sum(amount * _MONTHS[unit] for amount, unit in parts), "month")
    return None
