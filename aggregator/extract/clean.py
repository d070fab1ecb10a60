"""Choosing and tidying raw values: headline, people, language, dates, lists.

These functions turn the candidates the layers found into the values an
ArticleItem holds. They never parse dates; they only prefer machine-readable
strings over prose when two layers disagree on form.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from aggregator.extract.datefind import ISO_DATE, ISO_DATETIME
from aggregator.extract.document import norm_space

# Separators between headline and site name, dashes included (en and em dash).
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|·|»|•|/|:)\s+")
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


def site_words(url: str, site_name: str | None) -> set[str]:
    """Keys that identify the site in a title suffix: its name and its domain label."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    keys = {_key(host.split(".")[0]), _key(host)}
    if site_name:
        keys.add(_key(site_name))
    return {k for k in keys if len(k) > 1}


def strip_site(title: str, url: str, site_name: str | None) -> str:
    """Drop " | Site" or "Site - " parts that name the site, keeping the headline."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    keys = site_words(url, site_name)

    def is_site(part: str) -> bool:
        key = _key(part)
        return bool(key) and any(k in key or key in k for k in keys)

    kept = [p for p in parts if not is_site(p)]
    if kept and len(kept) < len(parts):
        # Rebuild from the original text so inner separators survive.
        start = title.find(kept[0])
        end = title.rfind(kept[-1]) + len(kept[-1])
        return norm_space(title[start:end]) if start >= 0 and end > start else kept[0]
    return title


def _untruncated(title: str, others: list[str]) -> str:
    """A longer candidate when `title` is a cut-off copy of it ("Headline that…")."""
    stem = title.rstrip(".… ")
    if stem == title:
        return title
    return next((o for o in others if len(o) > len(stem) and o.startswith(stem)), title)


def choose_title(
    metadata: list[tuple[str, str]],
    headings: list[str],
    page_title: str | None,
    url: str,
    site: str | None,
) -> tuple[str | None, str]:
    """Headline and the layer it came from (`jsonld`, `meta`, `text` for h1, `title`).

    JSON-LD's `headline` is the publisher's own statement of the headline; other
    metadata titles are kept when a visible heading confirms them, since og:title
    is often an SEO variant.
    """
    cleaned = [
        (strip_site(norm_space(html.unescape(t)), url, site), layer) for t, layer in metadata
    ]
    cleaned = [(t, layer) for t, layer in cleaned if t and text_key(t) not in site_words(url, site)]
    others = [t for t, _ in cleaned] + headings
    heading_keys = {text_key(h): h for h in headings if h}
    # A visible headline that an OpenGraph/meta title repeats outranks a
    # JSON-LD headline that neither shows.
    ld_keys = {text_key(t): t for t, layer in cleaned if layer == "jsonld"}
    for title, layer in cleaned:
        key = text_key(title)
        if layer != "jsonld" and key in heading_keys:
            # Same words in JSON-LD: keep its plain string (no display quotes or markup).
            return (ld_keys[key], "jsonld") if key in ld_keys else (heading_keys[key], layer)
    for title, layer in cleaned:
        if layer == "jsonld":
            return _untruncated(title, others), layer
    page = strip_site(norm_space(page_title), url, site) if page_title else ""
    parts = {text_key(p) for p in [page, *_TITLE_SEPARATORS.split(norm_space(page_title))] if p}
    for heading in headings:
        if text_key(heading) in parts:
            return heading, "text"
    for heading in headings:
        key = text_key(heading)
        if key and any(key in text_key(c) for c in [*others, page] if c != heading):
            return heading, "text"
    if cleaned:
        return _untruncated(cleaned[0][0], others), cleaned[0][1]
    if headings:
        return headings[0], "text"
    return (page or None), "title"


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


def choose_date(candidates: list[tuple[str | None, str]]) -> int | None:
    """Index of the first ISO datetime, else first ISO date, else first value, in layer order."""
    present = [(i, norm_space(v)) for i, (v, _) in enumerate(candidates) if v and norm_space(v)]
    for pattern in (ISO_DATETIME, ISO_DATE):
        for index, value in present:
            if pattern.match(value):
                return index
    return present[0][0] if present else None


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
