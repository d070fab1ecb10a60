"""Where a page's dates hide when structured data has none: `<time>`, URL, text.

Values stay raw (the dates pipeline parses them); this module only chooses
which string to keep. A URL date is rewritten as `YYYY-MM-DD` because the bare
digits of `/20240916/` would be ambiguous to any parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import by_class_or_id, headlines, norm_space, text_of
from aggregator.extract.nearby import headline_anchor, texts_after, texts_before, visible

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/._-]|$)"
    r"|[/_-]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/._-]|$)"
)
_DATE_WORDS = ("date", "time", "publish", "posted", "dateline", "timestamp", "datum", "fecha")
_META_WORDS = frozenset(("meta", "byline", "postmeta", "entry-meta", "dateline"))
_UPDATE_WORDS = ("update", "modif", "aktualisiert", "actualiz", "atualiz", "edited", "mise")
# Day, month and year in the forms pages print, "2 de abril de 2020" included.
DAY = re.compile(
    r"\b(?:\d{1,2}[./]\s?\d{1,2}[./]\s?(?:19|20)\d{2}|(?:19|20)\d{2}[-/.]\s?\d{1,2}[-/.]\s?\d{1,2}"
    r"|\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,10}\.?,?\s+(?:de\s+)?(?:19|20)\d{2}"
    r"|[^\W\d_]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}年\s?\d{1,2}月\s?\d{1,2}日)"
)
# "31.10.23", "26/10/13": a two-digit year, as forums and small sites print bylines. Read
# only near the headline and in date-named elements, never by the label scan (stamps.py).
_SHORT_DAY = r"(?<![\d.,/])(?:0?[1-9]|[12]\d|3[01])([./])(?:0?[1-9]|1[0-2])\1\d{2}(?![\d]|[./]\d)"
TEXT_DATE = re.compile(f"{DAY.pattern}|{_SHORT_DAY}")
_UPDATE_LABEL = re.compile(
    r"\b(?:updated|modified|aktualisiert|ge(?:ä|ae)ndert|actualizad[oa]|atualizad[oa]"
    r"|mis (?:à|a) jour|modifi(?:é|e)e?|aggiornat[oa]|bijgewerkt|last edited)\b",
    re.I,
)


_TIME_AFTER = re.compile(
    r"[\s,·|-]{0,6}(?:(?:um\s+|at\s+|a las\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?"
    r"|\d{1,2}時\d{1,2}分)",
    re.I,
)
_DATED = etree.XPath(
    "//body//*[contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'publish')"
    " or contains(@class, 'posted') or contains(@id, 'date') or contains(@class, 'datum')"
    " or contains(@class, 'fecha') or contains(@class, 'dateline')]"
)
_DATED_CLASSES = ("date", "time", "publish", "posted", "datum", "fecha", "dateline")


def _dated_class(value: str) -> bool:
    return any(w in value for w in _DATED_CLASSES)


def _dated(root: HtmlElement) -> list[HtmlElement]:
    """Elements whose class (or id) says they hold a date, in page order, at most 300."""
    found = by_class_or_id(root, _dated_class, lambda value: "date" in value)
    return (_DATED(root) if found is None else found)[:300]


def is_teaser(el: HtmlElement) -> bool:
    """A list item or card that links to another page with a headline-sized text."""
    if el.xpath(".//h1") or len(text_of(el)) > 600:
        return False
    return any(len(text_of(a)) >= 25 for a in el.iter("a"))


def in_noise(el: HtmlElement) -> bool:
    """True for dates inside comments, sidebars and teaser lists, which date other pages."""
    for ancestor in el.iterancestors():
        if ancestor.tag in ("aside", "nav", "footer"):
            return True
        if bp.is_negative(ancestor) and not bp.words(ancestor) & _META_WORDS:
            return True
        if ancestor.tag in ("li", "article") and is_teaser(ancestor):
            return True
    return False


def time_fields(root: HtmlElement) -> dict[str, str]:
    """Published and modified raw values from `<time>` elements outside the noise."""
    found: dict[str, str] = {}
    for el in root.iter("time"):
        value = norm_space(el.get("datetime")) or text_of(el)
        if not value or in_noise(el):
            continue
        label = " ".join(
            f"{e.get('class') or ''} {e.get('itemprop') or ''}" for e in (el, el.getparent())
            if e is not None
        ).lower()  # fmt: skip
        key = "modified" if any(w in label for w in _UPDATE_WORDS) else "published"
        if el.get("pubdate") is not None:
            key = "published"
        found.setdefault(key, value)
        if "published" in found and "modified" in found:
            break
    return found


def url_date(url: str) -> str | None:
    """A `YYYY-MM-DD` string from a date in the URL path, or None."""
    match = _URL_DATE.search(url.split("?", 1)[0])
    if not match:
        return None
    year, month, day = (g for g in match.groups() if g)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def date_span(text: str) -> str | None:
    """The date in a piece of text, with a time that directly follows it."""
    match = TEXT_DATE.search(text)
    if not match:
        return None
    end = match.end()
    following = _TIME_AFTER.match(text, end)
    if following:
        end = following.end()
    return norm_space(text[match.start() : end])


# "Registriert: 18.09.2008": a forum member's join date beside the post, not the post's.
_MEMBER_LABEL = re.compile(
    r"\b(?:registriert|registered|joined|member since|mitglied seit|dabei seit|anmeldedatum"
    r"|inscrit(?:e)?(?: le| depuis)?|registrado|iscritto)\b"
    r"[\s:.]*(?:am|on|le|el|il|seit|since)?\s*$",
    re.I,
)


def _member_date(before: str) -> bool:
    """True when the text just before a date labels it a member's join date."""
    return _MEMBER_LABEL.search(before[-60:]) is not None


def _paired(texts: list[str], previous: int) -> list[tuple[str, str, bool]]:
    """Each text with the one before it in document order (`previous`: -1 or +1) and
    whether it is one of three or more bare dates in a row: a list of other posts' dates."""
    bare = [_bare_date(text) for text in texts]
    listed = [False] * len(texts)
    for start in range(len(texts) - 2):
        if all(bare[start : start + 3]):
            listed[start : start + 3] = [True] * 3
    out = []
    for index, text in enumerate(texts):
        before = index + previous
        out.append((text, texts[before] if 0 <= before < len(texts) else "", listed[index]))
    return out


def _bare_date(text: str) -> bool:
    """A text that is a date and little else."""
    return len(text) <= 40 and TEXT_DATE.search(text) is not None


def _labelled_near(anchor: HtmlElement) -> Iterator[tuple[str, str]]:
    """near_headline's pieces, each with the text that precedes it in the page.

    A date among three or more bare dates in a row is an entry of a list of
    other posts' dates ("latest posts", "recent replies") and is left out.
    """
    after = _paired(visible(texts_after(anchor), 40), -1)
    before = _paired(visible(texts_before(anchor), 15), +1)
    for distance in range(max(len(after), len(before))):
        for pairs in (after, before):
            if distance >= len(pairs) or len(pairs[distance][0]) > 200:
                continue
            text, previous, listed = pairs[distance]
            if not listed:
                yield text, previous


def _after_update_label(piece: str, found: str) -> bool:
    """True for "Updated 3:45 PM, July 5": that date is the modification (stamps.py has it)."""
    label = _UPDATE_LABEL.search(piece)
    return label is not None and label.start() < piece.find(found)


def text_date(root: HtmlElement, title: str | None = None) -> str | None:
    """Date text near the headline, or from an element whose class says it holds a date."""
    anchor = headline_anchor(root, title)
    shown = headlines(root)
    # Around the h1 showing the headline, then around the page's first h1 (a blog
    # may print the post's date in a column that comes before the post's h1).
    for around in dict.fromkeys(a for a in (anchor, *shown[:1]) if a is not None):
        for piece, previous in _labelled_near(around):
            found = date_span(piece)
            if (
                found
                and not _after_update_label(piece, found)
                and not _member_date(previous + " " + piece[: piece.find(found)])
            ):
                return found
    for el in _dated(root):
        words = " ".join(bp.words(el))
        if not any(w in words for w in _DATE_WORDS) or any(w in words for w in _UPDATE_WORDS):
            continue
        for value in (el.get("title"), text_of(el)):
            if value and len(value) <= 120:
                found = date_span(value)
                if found and _member_date(value[: value.find(found)]):
                    continue
                if found and not in_noise(el):
                    return found
    return None
