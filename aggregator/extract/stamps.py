"""Visible date stamps: "Published 10:30 AM EST, Tue November 24, 2026", "Aktualisiert am …".

Many pages print their dates only as text in a byline or meta block, after a
label that says which date it is. This module finds such labels in the page's
visible text (outside sidebars, teaser lists, comments and footers), cuts the
stamp that follows the label and keeps it only when `aggregator.dates.parse_date`
reads it, so the raw value handed on is one the dates pipeline understands.
"Updated"/"Modified" labels give the modified date, the others the published one.

No settings, no stats.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import accumulate

from lxml import etree
from lxml.html import HtmlElement

from aggregator.dates import ParsedDate, parse_date
from aggregator.extract import boilerplate as bp
from aggregator.extract.datefind import DAY as _DAY
from aggregator.extract.datefind import is_teaser
from aggregator.extract.document import norm_space

_UPDATED = (
    r"(?:last\s+|zuletzt\s+)?(?:updated|modified|aktualisiert|ge(?:ä|ae)ndert|letzte\s+(?:ä|ae)nderung"
    r"|actualizad[oa]|atualizad[oa]|modificad[oa]|mis\s+(?:à|a)\s+jour|modifi(?:é|e)e?|aggiornat[oa]"
    r"|bijgewerkt|uppdaterad|oppdatert|opdateret|обновлено)"
)
_PUBLISHED = (
    r"(?:first\s+)?(?:published|posted|submitted|created|ver(?:ö|oe)ffentlicht|erschienen|publiziert"
    r"|erstellt|eingestellt|gespeichert|publicad[oa]|cread[oa]|cr(?:é|e)(?:é|e)e?"
    r"|publi(?:é|e)e?|pubblicat[oa]|gepubliceerd|opublikowano|publicerad|publisert|udgivet"
    r"|опубликовано)"
)
# Generic words count only as a label with a colon ("Datum: 01.02.2022").
_GENERIC = r"(?:date|datum|fecha|data|stand)\s*:"
_LABEL = re.compile(rf"(?<!\w)(?:(?P<up>{_UPDATED})|(?P<pub>{_PUBLISHED}|{_GENERIC}))(?!\w)", re.I)
# Script text is skipped later, for the few nodes that hold a label: a `not(parent::script)`
# test here would cost more than the whole search. Plain strings come three times
# cheaper than lxml's "smart" ones (which know their parent), so the search runs on
# those and the smart list, same nodes in the same order, is built only when a stem is there.
_TEXTS = etree.XPath("//body//text()")
_PLAIN_TEXTS = etree.XPath("//body//text()", smart_strings=False)
_NOT_TEXT = frozenset(("script", "style", "noscript", "template"))
# Lower-case stems of every label above, for a fast first pass.
_STEMS = (
    "publi", "posted", "submitted", "created", "erstellt", "eingestellt", "gespeichert",
    "cread", "cr\u00e9\u00e9", "ver\u00f6ffentl", "veroeffentl", "erschienen", "updated", "modifi",
    "aktualisiert", "ge\u00e4ndert", "geaendert", "\u00e4nderung", "aenderung", "actualizad",
    "atualizad", "mis \u00e0 jour", "mis a jour", "aggiornat", "bijgewerkt", "uppdaterad",
    "oppdatert", "opdateret", "gepubliceerd", "opublikowano", "udgivet",
    "\u043e\u043f\u0443\u0431\u043b\u0438\u043a", "\u043e\u0431\u043d\u043e\u0432\u043b",
    "date", "datum", "fecha", "data", "stand",
)  # fmt: skip
# A time and zone right after the date: ", 10:16 Uhr", " at 3:45 PM ET", " à 10h20".
_AFTER = re.compile(
    r"(?:[\s,·|-]{0,4}(?:um|at|à|a las|alle|às|kl\.?|-)?\s*\d{1,2}[:.h]\d{2}(?::\d{2})?"
    r"(?:\s?[ap]\.?m\.?)?(?:\s?(?:uhr|h))?(?:\s+[A-Z]{2,5}\b|\s?[+-]\d{2}:?\d{2})?)?",
    re.I,
)
_ELSEWHERE = bp.HARD_NEGATIVE | bp.words_set(
    "sidebar widget teaser teasers popular trending latest more-news most-read reply replies"
    " copyright license licence"
)
_OWNERS = ("article", "main")
_LETTERS = re.compile(r"[^\W\d_]+")
_NOTICE = re.compile(r"©|&copy;|\bcopyright\b|\blicen[cs]e\b|\bCC BY\b", re.I)
_MAX_GAP = 40  # characters between the label and the date it announces
_MAX_HITS = 40
_MAX_NODE = 300  # longer text nodes are prose


@dataclass(frozen=True)
class Stamp:
    """A visible date stamp: its raw text and what parse_date read from it."""

    raw: str
    parsed: ParsedDate


def _window(node: str) -> tuple[HtmlElement | None, str]:
    """The smallest element around a text node whose text is short enough to be a stamp line."""
    parent = node.getparent()  # type: ignore[attr-defined]
    if parent is not None and node.is_tail:  # type: ignore[attr-defined]
        parent = parent.getparent()
    element = parent
    own = norm_space(str(node))
    for _ in range(3):
        if element is None:
            break
        # Joined with spaces: "14:49:39" and "Erschienen" may sit in sibling elements.
        text = norm_space(" ".join(element.itertext()))
        if len(text) > 240:
            # A long meta line: the label's node and what follows it ("am <abbr>16.12.2012</abbr>").
            start = text.find(own)
            return element, (text[start : start + len(own) + 80] if start >= 0 else own)
        if _DAY.search(text[_label_start(text) :]):
            return element, text
        element = element.getparent()
    return parent, own


def _label_start(text: str) -> int:
    match = _LABEL.search(text)
    return match.start() if match else 0


def _cut(text: str, start: int) -> str | None:
    """The stamp after the label at `start`: label, date, and a time and zone after it."""
    date = _DAY.search(text, start, start + _MAX_GAP + 60)
    if date is None or date.start() - start > _MAX_GAP + 40:
        return None
    following = _AFTER.match(text, date.end())
    end = following.end() if following else date.end()
    return norm_space(text[start:end])


def _read(raw: str, now: datetime, languages: list[str] | None) -> Stamp | None:
    """The stamp as parse_date reads it: whole when it can, else from its date on.

    The whole stamp keeps a time printed before the date ("Updated 3:45 PM ET,
    Fri July 5, 2024"). It is tried only when the words between label and date
    are short (a time, a zone, "am", "on"): a name there ("Veröffentlicht von
    SeglerBlog am …") would send parse_date to its slow dateparser fallback.
    """
    date = _DAY.search(raw)
    if date is None:
        return None
    label = _LABEL.match(raw)
    gap = raw[label.end() if label else 0 : date.start()]
    if any(c.isdigit() for c in gap) or all(len(w) <= 4 for w in _LETTERS.findall(gap)):
        parsed = parse_date(raw, now=now, languages=languages)
        if parsed is not None:
            return Stamp(raw, parsed)
    rest = raw[date.start() :]
    parsed = parse_date(rest, now=now, languages=languages) if rest != raw else None
    return Stamp(rest, parsed) if parsed is not None else None


def _hits(root: HtmlElement) -> list[str]:
    """Text nodes that hold a label, in page order.

    A regex over every text node costs more than the rest of the extraction, so
    the joined text of the short nodes (a stamp line, not a paragraph) is searched
    for the labels' stems with str.find (fast, in C) and only the nodes holding
    one are checked with the label regex.
    """
    plain: list[str] = _PLAIN_TEXTS(root)
    short = [i for i, text in enumerate(plain) if len(text) <= _MAX_NODE]
    joined = "\x00".join(plain[i] for i in short).lower()
    starts = list(accumulate((len(plain[i]) + 1 for i in short), initial=0))
    indexes: set[int] = set()
    for stem in _STEMS:
        position = joined.find(stem)
        while position >= 0 and len(indexes) < 4 * _MAX_HITS:
            indexes.add(short[bisect_right(starts, position) - 1])
            position = joined.find(stem, position + len(stem))
    labelled = [i for i in sorted(indexes) if _LABEL.search(plain[i])]
    if not labelled:
        return []
    texts: list[str] = _TEXTS(root)
    return [texts[i] for i in labelled if _visible(texts[i])][:_MAX_HITS]


def _elsewhere(element: HtmlElement) -> bool:
    """A stamp that dates something else: another article in a list, a comment, a widget.

    Looser than datefind's noise test: a labelled stamp in the page header or an
    article's own footer ("Erschienen am …") is the page's date.
    """
    for ancestor in (element, *element.iterancestors()):
        tag = ancestor.tag
        if tag in ("aside", "nav") or bp.words(ancestor) & _ELSEWHERE:
            return True
        if tag in ("li", "article") and is_teaser(ancestor):
            return True
        if tag == "footer" and not any(a.tag in _OWNERS for a in ancestor.iterancestors()):
            return True  # the site's footer: copyright and licence lines
    return False


def _visible(node: str) -> bool:
    parent = node.getparent()  # type: ignore[attr-defined]
    if parent is not None and node.is_tail:  # type: ignore[attr-defined]
        parent = parent.getparent()
    return parent is not None and parent.tag not in _NOT_TEXT


def find_stamps(
    root: HtmlElement, now: datetime | None = None, languages: list[str] | None = None
) -> dict[str, Stamp]:
    """The first published and the first modified stamp in the page's visible text.

    `languages` (the page's own, when it declares one) spare parse_date's fallback
    from trying every language it knows on a stamp in words.
    """
    now = now or datetime.now(UTC)
    found: dict[str, Stamp] = {}
    for node in _hits(root):
        element, text = _window(node)
        if element is None or _elsewhere(element):
            continue  # another page's date
        for label in _LABEL.finditer(text):
            kind = "modified" if label.group("up") else "published"
            if kind in found or _NOTICE.search(text, 0, label.start()):
                continue  # a copyright or licence line: "© 2007-16 … erstellt 09.03.2016"
            raw = _cut(text, label.start())
            stamp = _read(raw, now, languages) if raw else None
            if stamp is not None:
                found[kind] = stamp
        if len(found) == 2:
            break
    return found


def local_form(
    iso: str, wall: str | None, now: datetime | None = None, languages: list[str] | None = None
) -> str | None:
    """The UTC instant `iso` in the offset that the page's printed wall time reveals.

    "2022-05-04T03:37:37+00:00" in the metadata and "3 May, 2022, 11:37 pm" under
    the headline are the same moment seen from UTC-4: the result is
    "2022-05-03T23:37:37-04:00", the same instant with the site's local day. The
    minutes must match and the offset be whole quarter hours between -12 and +14
    hours, so a time printed for something else is not taken for the offset, and
    the clock must be unambiguous ("9:02" may be 21:02 on a 12-hour clock).
    """
    if not wall or not _clock_is_clear(wall):
        return None
    try:
        instant = datetime.fromisoformat(iso.replace(" ", "T", 1))
    except ValueError:
        return None
    if instant.utcoffset() != timedelta(0):
        return None
    # No zone in the text: read as UTC.
    shown = parse_date(wall, now=now or datetime.now(UTC), languages=languages)
    if shown is None or shown.precision not in ("minute", "second"):
        return None
    offset = shown.value.replace(second=0) - instant.replace(second=0, microsecond=0)
    quarters, rest = divmod(offset.total_seconds(), 900)
    if rest or not offset or not timedelta(hours=-12) <= offset <= timedelta(hours=14):
        return None
    return instant.astimezone(timezone(timedelta(seconds=quarters * 900))).isoformat()


_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:.h]\d{2}(?!\d)")
_MERIDIEM = re.compile(r"\d\s?[ap]\.?m\b", re.I)


def _clock_is_clear(wall: str) -> bool:
    """A time that is a 24-hour reading (13:05, 09:58) or carries am/pm."""
    clock = _CLOCK.search(wall)
    if clock is None:
        return False
    hour = clock.group(1)
    return bool(_MERIDIEM.search(wall)) or int(hour) > 12 or hour.startswith("0")
