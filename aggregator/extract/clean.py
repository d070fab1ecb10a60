"""Choosing and tidying raw values: people, language, dates, lists (headline: title.py).

These functions turn the candidates the layers found into the values an
ArticleItem holds. They never parse dates; they only prefer machine-readable
strings over prose when two layers disagree on form.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from aggregator.extract.datefind import ISO_DATE, ISO_DATETIME
from aggregator.extract.document import norm_space

_BY = re.compile(r"^\s*(by|von|por|par|di|door|de|text|texto|texte|autor|author)\s*:?\s+", re.I)
# "Erstellt von Jane Doe", "Posted by Jane Doe": a verb, then the by-word.
_VERB_BY = re.compile(
    r"^(?:[\w-]+\s+){0,2}?(?:erstellt|geschrieben|verfasst|gespeichert|gepostet|written|posted"
    r"|published|reported|escrito|publicado|redactado|écrit|rédigé|publié|scritto|pubblicato"
    r"|alles|mehr|more|all|articles|artikel|beiträge|recipe|rezept|receta|recette|ricetta)"
    r"\s+(?:von|by|por|par|da|di|from|of)\s+",
    re.I,
)
# "Capital Von Jemima Kelly": a kicker word, then a capitalised by-word (case matters:
# "Ursula von der Leyen" is a name).
_KICKER_BY = re.compile(r"^[\w-]+\s+(?:Von|By|Por|Par)\s+")
# "Posted on September 21, 2020 by Adi Tzlil": a dated credit line.
_DATED_BY = re.compile(r"^.{0,60}?(?:19|20)\d{2},?\s+(?:by|von|por|par|di)\s+", re.I)
# "lupa am 26/10/13": a date or time after the name.
_TRAILING_DATE = re.compile(r"\s+(?:am|on|le|el|il|at|um)\s+\d.*$")
_NOT_PEOPLE = re.compile(
    r"^(admin|administrator|by|guest|anonymous|unknown|user|webmaster|null|none|n/a|staff"
    r"|follow|folgen|kontakt|contact|share|teilen)$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|;|\||\band\b|\bund\b|\by\b|\bet\b|\bog\b|&)\s*|\s+[-\u2013\u2014/]\s+", re.I
)


def text_key(text: str) -> str:
    """Letters and digits only, casefolded: for comparing headlines across layers."""
    return re.sub(r"\W+", "", html.unescape(text).casefold())


_key = text_key


def _unbylined(text: str) -> str:
    for pattern in (_DATED_BY, _VERB_BY, _KICKER_BY, _BY):
        text = pattern.sub("", text, count=1)
    return _TRAILING_DATE.sub("", text)


def _person(name: str) -> bool:
    """Not a role word, not a number or time ("03:48 pm", "105092")."""
    digits = sum(c.isdigit() for c in name)
    letters = sum(c.isalpha() for c in name)
    if "?" in name or "!" in name:
        return False  # a link text such as "Who writes for us?"
    return len(name) >= 2 and letters > digits and not _NOT_PEOPLE.match(name)


def clean_authors(
    names: Iterable[str], site_name: str | None = None, *, keep_site: bool = False
) -> list[str]:
    """People's names: no "By", no URLs, no "Admin", no dates, no duplicates, page order kept.

    The site's own name is dropped unless `keep_site`: a blog or publisher that
    signs as itself is the author when no person is named.
    """
    out: list[str] = []
    seen: set[str] = set()
    site_key = _key(site_name or "")
    for raw in names:
        text = norm_space(html.unescape(raw))
        if not text or len(text) > 120 or "://" in text or text.startswith(("@", "www.")):
            continue
        for name in _AUTHOR_SPLIT.split(_unbylined(text)):
            name = norm_space(_unbylined(name)).strip(" .,:|-()[]")
            key = _key(name)
            if not key or key in seen or not _person(name):
                continue
            if site_key and key == site_key and not keep_site:
                continue
            seen.add(key)
            out.append(name)
    # "SHOW ALL ARTICLES OFJane Doe" beside "Jane Doe": a link text that holds a name.
    keys = [_key(name) for name in out]
    return [n for n, k in zip(out, keys, strict=True) if not any(o != k and o in k for o in keys)]


def choose_date(
    candidates: list[tuple[str | None, str]], visible: tuple[int, date, bool] | None = None
) -> int | None:
    """Index of the value to keep: ISO datetime, visible stamp, ISO date, in layer order.

    `visible` is (index, day, has a time) of a stamp printed in the page. A stamp
    with a time beats an ISO day (metadata or URL) that agrees with it within a
    day (zones shift the day); a day-only stamp comes after the ISO values.
    """
    present = [(i, norm_space(v)) for i, (v, _) in enumerate(candidates) if v and norm_space(v)]
    precise = [(i, v) for i, v in present if ISO_DATETIME.match(v)]
    if precise:
        return _local_form(precise)
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


def _local_form(precise: list[tuple[int, str]]) -> int:
    """The first ISO datetime, or the same instant written with the site's own offset.

    JSON-LD often gives UTC ("2023-11-09T02:11:03Z") where the page's `<time>` or
    microdata says "2023-11-08T21:11:03-05:00": same instant, but only the latter
    keeps the local wall time and day the site published on.
    """
    first_index, first = precise[0]
    instant = _instant(first)
    if instant is None or instant.utcoffset() != timedelta(0):
        return first_index
    for index, value in precise[1:]:
        other = _instant(value)
        if other is not None and other.utcoffset() and abs((other - instant).total_seconds()) <= 60:
            return index
    return first_index


def _instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


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
