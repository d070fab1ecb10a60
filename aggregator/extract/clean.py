"""Choosing and tidying raw values: people, language, dates, lists (headline: title.py).

These functions turn the candidates the layers found into the values an
ArticleItem holds. They never parse dates; they only prefer machine-readable
strings over prose when two layers disagree on form.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date

from aggregator.extract.datefind import ISO_DATE, ISO_DATETIME
from aggregator.extract.document import norm_space

_BY = re.compile(r"^\s*(by|von|por|par|di|door|de|text|texto|texte|autor|author)\s*:?\s+", re.I)
_NOT_PEOPLE = re.compile(
    r"^(admin|administrator|by|guest|anonymous|unknown|user|webmaster|null|none|n/a)$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||\band\b|\bund\b|\by\b|\bet\b|&)\s*", re.IGNORECASE)


def text_key(text: str) -> str:
    """Letters and digits only, casefolded: for comparing headlines across layers."""
    return re.sub(r"\W+", "", html.unescape(text).casefold())


_key = text_key


def clean_authors(names: Iterable[str], site_name: str | None = None) -> list[str]:
    """People's names: no "By", no URLs, no "Admin", no duplicates, page order kept."""
    out: list[str] = []
    seen: set[str] = set()
    site_key = _key(site_name or "")
    for raw in names:
        text = norm_space(html.unescape(raw))
        if not text or len(text) > 120 or "://" in text or text.startswith(("@", "www.")):
            continue
        text = _BY.sub("", text)
        for name in _AUTHOR_SPLIT.split(text):
            name = norm_space(_BY.sub("", name)).strip(" .,:|-")
            key = _key(name)
            if not key or key in seen or _NOT_PEOPLE.match(name) or len(name) < 2:
                continue
            if site_key and key == site_key:
                continue
            seen.add(key)
            out.append(name)
    return out


def choose_date(
    candidates: list[tuple[str | None, str]], visible: tuple[int, date, bool] | None = None
) -> int | None:
    """Index of the value to keep: ISO datetime, visible stamp, ISO date, in layer order.

    `visible` is (index, day, has a time) of a stamp printed in the page. A stamp
    with a time beats an ISO day (metadata or URL) that agrees with it within a
    day (zones shift the day); a day-only stamp comes after the ISO values.
    """
    present = [(i, norm_space(v)) for i, (v, _) in enumerate(candidates) if v and norm_space(v)]
    for index, value in present:
        if ISO_DATETIME.match(value):
            return index
    day = next((v for _, v in present if ISO_DATE.match(v)), None)
    agrees = visible is not None and (day is None or abs((_iso_day(day) - visible[1]).days) <= 1)
    if visible is not None and visible[2] and agrees:
        return visible[0]
    for index, value in present:
        if ISO_DATE.match(value):
            return index
    if visible is not None:
        return visible[0]
    return present[0][0] if present else None


def _iso_day(value: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return date.min


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code from "en-US", "de_DE", "English"-free codes; None otherwise."""
    if not value:
        return None
    code = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def unique(values: Iterable[str]) -> list[str]:
    """Whitespace-normalised, non-empty values without duplicates, order kept."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = norm_space(html.unescape(value))
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out
