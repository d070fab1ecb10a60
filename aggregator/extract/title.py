"""Choosing the headline from the page's title candidates.

Candidates are the visible `<h1>` headings, JSON-LD `headline`, OpenGraph /
`<meta>` / microdata titles and `<title>`. They are compared with each other
rather than with word lists: a part of `<title>` or `og:title` that no other
candidate carries is a site name or section; an `<h1>` that ends with another
candidate's whole text carries a section kicker in front of it; an `<h1>` that
is itself a part of `<title>` other than the headline is the site's logo; a
title that is another candidate plus a glued-on "-Section|Site" carries a suffix.
The visible headline is preferred when a second candidate confirms it or shares
its words, because `og:title` and JSON-LD are often SEO variants. When the
layout leaves the separator out between a kicker and the headline
("KickerHeadline"), the metadata's spelling of the same words is taken. An
`<h1>` in a breadcrumb trail is the trail's last crumb; with no other `<h1>`,
a second-rank heading (`<h2>`, `itemprop=headline`) that a metadata title
confirms stands in for it.

No settings, no stats.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from aggregator.extract.document import norm_space

# Separators between headline, section and site name, dashes included (en and em dash).
# Each needs whitespace on both sides, so a quotation mark (« », „ “) or a
# hyphenated word inside a headline never splits it.
SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|·|»|•|/|:)\s+")
# Characters that change a string's bytes but not what a reader sees.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_DANGLING = " |-\u2013\u2014:·•/"
# Characters that join a kicker, headline, section and site name when no space surrounds them.
_JOINERS = frozenset("|-\u2013\u2014:·•/»\u3163\uff5c")
_WORD = re.compile(r"\w{4,}")
# Generic host labels that say nothing about which site a page is on.
_HOST_NOISE = frozenset(("www", "com", "net", "org", "news", "blog", "co", "gov", "edu", "ac"))


def text_key(text: str) -> str:
    """Letters and digits only, casefolded: for comparing headlines across layers."""
    return re.sub(r"\W+", "", html.unescape(text).casefold())


def tidy(text: str | None) -> str:
    """Unescaped, NFC, without soft hyphens or zero-width marks, and no dangling separator."""
    value = html.unescape(text or "").translate(_INVISIBLE)
    value = norm_space(unicodedata.normalize("NFC", value))
    stripped = value.strip(_DANGLING)
    # Only drop a separator that hangs off the end ("Headline -"), not quotes or "..." marks.
    return stripped if stripped != value and text_key(stripped) == text_key(value) else value


def site_words(url: str, site_name: str | None) -> set[str]:
    """Keys that identify the site: its name, its host and the host's distinctive labels."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = [label for label in host.split(".")[:-1] if label not in _HOST_NOISE]
    keys = {text_key(host), *(text_key(label) for label in labels)}
    if site_name:
        keys.add(text_key(site_name))
    return {k for k in keys if len(k) > 3 or k == text_key(host)}


def _is_site_part(part: str, keys: set[str]) -> bool:
    """A title part naming the site: a site key, a piece of one, or a short part holding one."""
    key = text_key(part)
    if not key:
        return False
    if any(key == k or (len(key) > 3 and key in k) for k in keys):
        return True
    if len(part.split()) > 4:
        return False
    # A word that starts like the site's name: "Bergsteigen.com", "Der SeglerBlog aus Berlin",
    # "Bibliothek 2.0 und mehr" on bibliothek2null.de (not "Skibergsteigen").
    words = [text_key(w) for w in _WORD.findall(part)]
    return any(w.startswith(k) or k.startswith(w) for w in words for k in keys)


def strip_site(
    title: str, url: str, site_name: str | None, extra: frozenset[str] | set[str] = frozenset()
) -> str:
    """Drop " | Site" or "Site - " parts that name the site, keeping the headline."""
    parts = SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    keys = site_words(url, site_name) | extra
    site = [i for i, p in enumerate(parts) if _is_site_part(p, keys)]
    if not site:
        return title
    # The headline sits on one side of the site name: "Headline | Site | Slogan", "Site - Headline".
    kept = parts[: site[0]] if site[0] > 0 else parts[site[-1] + 1 :]
    kept = [p for p in kept if not _is_site_part(p, keys)]
    if kept:
        # Rebuild from the original text so inner separators survive.
        start = title.find(kept[0])
        end = title.rfind(kept[-1]) + len(kept[-1])
        return tidy(title[start:end]) if start >= 0 and end > start else kept[0]
    return title


def _untruncated(title: str, others: list[str]) -> str:
    """A longer candidate when `title` is a cut-off copy of it ("Headline that…")."""
    stem = title.rstrip(".… ")
    if stem == title:
        return title
    return next((o for o in others if len(o) > len(stem) and o.startswith(stem)), title)


def _shared_parts(titles: list[str]) -> set[str]:
    """Keys of separator parts that two different titles both carry around different headlines.

    "Headline A | Section | Site" and og:title "Headline A | Site" or the
    `<title>` of a page whose JSON-LD says "Headline A" reveal "Site" (and
    "Section") as the parts that are not the headline.
    """
    found: set[str] = set()
    split = [[text_key(p) for p in SEPARATORS.split(t)] for t in titles]
    bare = {text_key(t) for t in titles}
    for parts in split:
        if len(parts) < 2:
            continue
        for other in bare:
            if other in parts:
                found.update(p for p in parts if p and p != other)
    return found


def _punctuated(heading: str, title: str) -> bool:
    """True when `title` is `heading` with separators added between its parts.

    A heading built from a kicker and a headline in separate elements reads
    "Kicker Headline" (or "KickerHeadline"); the metadata spells the same words
    "Kicker: Headline" or "Kicker / Headline", as the page shows them.
    """
    shown, given = "".join(heading.split()), "".join(title.split())
    matched, added = 0, False
    for char in given:
        if matched < len(shown) and char == shown[matched]:
            matched += 1
        elif char in _JOINERS:
            added = True
        else:
            return False
    return added and matched == len(shown)


def _without_glued_suffix(titles: list[str]) -> dict[str, str]:
    """Titles that are another candidate plus a suffix glued on by a separator, and that candidate.

    "Headline-Section|Site" beside a plain "Headline" (CJK sites often put no
    spaces around the dash) reveals the suffix; SEPARATORS needs spaces, so it
    cannot split such a title by itself.
    """
    found: dict[str, str] = {}
    for title in titles:
        for other in titles:
            rest = title[len(other) :]
            if (
                len(other) >= 10
                and title.startswith(other)
                and rest[:1] in _JOINERS
                and len(rest) <= 30
                and " " not in rest.strip()
            ):
                found[title] = other
    return found


def _confirmed(heading: str, others: list[str]) -> bool:
    """A second-rank heading that a metadata title ends with, repeats or mostly contains."""
    key = text_key(heading)
    if len(key) < 10:
        return False
    if _kicker_free(heading, others):
        return True
    return any(key in (whole := text_key(o)) and 2 * len(key) >= len(whole) for o in others)


def _related(heading: str, others: list[str]) -> bool:
    """True when the heading shares a word of four or more letters with another candidate."""
    words = {w.casefold() for w in _WORD.findall(heading)}
    return any(words & {w.casefold() for w in _WORD.findall(o)} for o in others)


def _kicker_free(heading: str, others: list[str]) -> str | None:
    """The other candidate that the heading ends with, when the heading only adds a kicker."""
    key = text_key(heading)
    for other in sorted(others, key=len, reverse=True):
        tail = text_key(other)
        if 10 <= len(tail) < len(key) and key.endswith(tail) and len(tail) >= 0.4 * len(key):
            return other
    return None


def _supported(heading: str, others: list[str]) -> str | None:
    """The headline given a visible heading, or None when nothing supports the heading."""
    shorter = _kicker_free(heading, others)
    if shorter:
        return shorter
    key = text_key(heading)
    if any(key in text_key(o) for o in others) or _related(heading, others) or not others:
        return heading
    return None


def choose_title(
    metadata: list[tuple[str, str]],
    headings: list[str],
    page_title: str | None,
    url: str,
    site: str | None,
    lesser: Callable[[], list[str]] | None = None,
) -> tuple[str | None, str]:
    """Headline and the layer it came from (`jsonld`, `meta`, `text` for h1, `title`).

    `lesser` gives second-rank headings (`<h2>`, `itemprop=headline`); it is called
    only when no `<h1>` is left, and a heading it gives counts only when a metadata
    title confirms it.
    """
    raw = [(tidy(t), layer) for t, layer in metadata]
    page_raw = tidy(page_title)
    glued = _without_glued_suffix([t for t, _ in raw] + [page_raw])
    raw = [(glued.get(t, t), layer) for t, layer in raw]
    page_raw = glued.get(page_raw, page_raw)
    shared = _shared_parts([t for t, _ in raw] + [page_raw])
    # A part the visible heading starts with is its kicker, not a section or site name.
    starts = [text_key(h) for h in headings]
    shared -= {p for p in shared for h in starts if h.startswith(p) and h != p}
    keys = site_words(url, site) | shared
    cleaned = [(strip_site(t, url, site, shared), layer) for t, layer in raw if t]
    # Strings cut out of a longer "Headline - Site" title: an SEO copy, not the headline's text.
    cut = {t for (t, _), (whole, _) in zip(cleaned, raw, strict=True) if t != whole}
    cleaned = [(t, layer) for t, layer in cleaned if text_key(t) and text_key(t) not in keys]
    page = strip_site(page_raw, url, site, shared) if page_raw else ""
    others = [t for t, _ in cleaned] + ([page] if page else [])
    shown = [h for h in (tidy(h) for h in headings) if text_key(h)]
    shown = [h for h in shown if not _is_site_part(h, keys)]  # logos and site names
    if not shown and lesser is not None:
        # Microdata's headline is the marked heading's own text: no independent confirmation.
        witnesses = [t for t, layer in cleaned if layer != "microdata"] + ([page] if page else [])
        second = (tidy(h) for h in lesser())
        shown = [h for h in second if not _is_site_part(h, keys) and _confirmed(h, witnesses)][:1]
    by_key = {text_key(h): h for h in reversed(shown)}
    # A kicker in front of the headline that another candidate shows without it.
    if shown and others:
        # Unless the metadata spells the heading whole, with the kicker set off by a separator.
        whole = next((o for o in others if _punctuated(shown[0], o)), None)
        if whole:
            return whole, _layer_of(whole, cleaned)
        shorter = _kicker_free(shown[0], others)
        if shorter:
            return shorter, _layer_of(shorter, cleaned)
    # A heading that a metadata title repeats, most trusted metadata first.
    for title, layer in [*cleaned, (page, "title")]:
        heading = by_key.get(text_key(title))
        if heading:
            # Same words in JSON-LD: keep its plain string (no display quotes or markup),
            # unless it was cut from a "Headline - Site" string, which retypes the dashes.
            # Separators the heading's layout leaves out ("KickerHeadline"): the metadata's.
            plain = (layer == "jsonld" and title not in cut) or _punctuated(heading, title)
            return (title if plain else heading), (layer if layer != "title" else "text")
    # A heading that is one part of "Site - Section - Headline": the longest such part.
    parts = {text_key(p) for p in SEPARATORS.split(page_raw)}
    in_title = sorted((h for h in shown if text_key(h) in parts), key=len, reverse=True)
    if in_title:
        return in_title[0], "text"
    for heading in shown:
        chosen = _supported(heading, others)
        if chosen:
            return chosen, ("text" if chosen == heading else _layer_of(chosen, cleaned))
    for title, layer in cleaned:
        if layer == "jsonld":
            return _untruncated(title, others + headings), layer
    if cleaned:
        return _untruncated(cleaned[0][0], others + headings), cleaned[0][1]
    if page:
        return page, "title"
    first = next((tidy(h) for h in headings if tidy(h)), None)
    return first, "text"


def _layer_of(title: str, cleaned: list[tuple[str, str]]) -> str:
    return next((layer for t, layer in cleaned if t == title), "title")
