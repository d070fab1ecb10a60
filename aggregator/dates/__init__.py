"""Date normalisation for news pages: `parse_date` turns date text into UTC (contract 5).

`parse_date(raw, *, now, timezone=None, languages=None)` returns a `ParsedDate`
(`.value`, aware UTC; `.precision`, "second" to "year") or None. `now` is the
fetch time; relative text counts back from it. Text without an offset is read
in `timezone` (IANA, default UTC); an offset or zone in the text wins. Results
later than `now` plus five minutes, and text that is not a date, give None. It
never raises on a `str`.

The text is read once into a `now`-independent reading, cached by text,
languages and numeric order, then placed in time (`resolve.py`):

1. ISO 8601 and RFC 2822 on standard-library fast paths (`machine.py`);
2. relative text in en, es, fr, de, pt, it, ru (`relative.py`);
3. calendar text in those languages, numeric dates in the site's order
   (`absolute.py`);
4. anything else that looks like a date to dateparser, restricted to the given
   languages (`fallback.py`, imported lazily).

Pure module: no Scrapy, no settings, no stats (the dates pipeline counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

from aggregator.dates.absolute import read_absolute
from aggregator.dates.fallback import forget, parse_fallback, plausible
from aggregator.dates.machine import read_iso, read_rfc2822
from aggregator.dates.model import (
    NOT_A_DATE,
    PRECISIONS,
    UNKNOWN,
    ParsedDate,
    Precision,
    Reading,
    _Marker,
)
from aggregator.dates.relative import read_relative
from aggregator.dates.resolve import resolve
from aggregator.dates.text import clean, fold, prefix_end, tokenize
from aggregator.dates.zones import get_zone, grace

__all__ = ["PRECISIONS", "ParsedDate", "Precision", "clear_caches", "parse_date"]

_LONGEST_DATE = 120  # characters; longer text is a sentence, not a date
_LONGEST_FALLBACK = 60  # dateparser gets slow and over-eager on long text
_US_ZONES = frozenset(
    {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Phoenix",
        "America/Anchorage",
        "America/Detroit",
        "America/Boise",
        "America/Indiana/Indianapolis",
        "Pacific/Honolulu",
    }
)


def parse_date(
    raw: str,
    *,
    now: datetime,
    timezone: str | None = None,
    languages: Sequence[str] | None = None,
) -> ParsedDate | None:
    """Parse news-page date text fetched at `now`; see the module docstring."""
    if not isinstance(raw, str) or (len(raw) > _LONGEST_DATE and len(raw.strip()) > _LONGEST_DATE):
        return None  # long text is checked before the cache, which would keep it as a key
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)  # the contract says aware; naive is read as UTC
    zone_name = timezone or "UTC"
    langs = _language_key(languages)
    reading = _read(raw, langs, _month_first(zone_name, langs))
    if reading is NOT_A_DATE:
        return None
    if isinstance(reading, _Marker):  # UNKNOWN
        text = clean(raw.strip())
        result = parse_fallback(text[prefix_end(fold(text)) :], now, zone_name, langs)
    else:
        result = resolve(reading, now, get_zone(zone_name))
    if result is None or result.value > grace(now):
        return None
    return result


def clear_caches() -> None:
    """Forget every cached reading (for tests and benchmarks; results do not change)."""
    _read.cache_clear()
    forget()


def _language_key(languages: Sequence[str] | None) -> tuple[str, ...] | None:
    if not languages:
        return None
    return _normalised_languages((languages,) if isinstance(languages, str) else tuple(languages))


@lru_cache(maxsize=256)
def _normalised_languages(languages: tuple[str, ...]) -> tuple[str, ...] | None:
    codes = (code.strip().lower() for code in languages if isinstance(code, str))
    return tuple(dict.fromkeys(code for code in codes if code)) or None


@lru_cache(maxsize=256)
def _month_first(zone_name: str, languages: tuple[str, ...] | None) -> bool:
    """US English writes 07/05/2024 for 5 July; everyone else here writes it day-first."""
    if languages:
        return languages[0] == "en" and zone_name.startswith(("America/", "US/"))
    return zone_name in _US_ZONES or zone_name.startswith("US/")


@lru_cache(maxsize=32_768)
def _read(raw: str, languages: tuple[str, ...] | None, month_first: bool) -> Reading:
    """Everything the text says by itself; cached, as it does not depend on `now`."""
    text = raw.strip()
    if not text or len(text) > _LONGEST_DATE:
        return NOT_A_DATE
    if text[0].isdecimal():
        found = read_iso(text)
        if found is not None:
            return found
    folded = fold(clean(text))
    body = folded[prefix_end(folded) :]
    found = read_iso(body) if body[:1].isdecimal() else None
    if found is None:
        found = read_rfc2822(body)
    if found is not None:
        return found
    tokens = tokenize(body)
    if not tokens:
        return NOT_A_DATE
    ago = read_relative(tokens)
    if ago is not None:
        return ago
    found = read_absolute(body, month_first=month_first)
    if found is not None:
        return found
    return UNKNOWN if _worth_fallback(body, tokens, languages) else NOT_A_DATE


def _worth_fallback(body: str, tokens: list[str], languages: tuple[str, ...] | None) -> bool:
    if len(body) > _LONGEST_FALLBACK or all(token.isdecimal() for token in tokens):
        return False  # "5", "99/99/9999": the numeric readers have had their say
    return plausible(body, languages)
