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


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


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
_TEXT_DATE = DAY
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
#: Text inside these is code or a fallback, never a dateline or byline.
_NOT_TEXT = frozenset(("script", "style", "noscript"))
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


def _date_span(text: str) -> str | None:
    """The date in a piece of text, with a time that directly follows it."""
    match = _TEXT_DATE.search(text)
    if not match:
        return None
    end = match.end()
    following = _TIME_AFTER.match(text, end)
    if following:
        end = following.end()
    return norm_space(text[match.start() : end])


def headline_anchor(root: HtmlElement, title: str | None) -> HtmlElement | None:
    """The element showing the headline: the first h1, else one whose text is the title."""
    shown = headlines(root)
    if shown and title:
        # The h1 that shows the chosen headline, not a logo or section heading before it.
        key = _key(title)
        for heading in shown[:8]:
            if key and key in _key(text_of(heading)):
                return heading
    if shown:
        return shown[0]
    if title and len(title) < 300:
        found = root.xpath("//body//text()[normalize-space(.) = $t]/..", t=title)
        if found:
            return found[0]
    return None


def near_headline(
    root: HtmlElement, title: str | None, anchor: HtmlElement | None = None
) -> list[str]:
    """Text pieces around the headline, closest first, alternating after and before.

    A date or byline just above the headline beats one in a teaser list further down.
    """
    anchor = headline_anchor(root, title) if anchor is None else anchor
    if anchor is None:
        return []
    after = _visible(texts_after(anchor), 40)
    before = _visible(texts_before(anchor), 15)
    pieces: list[str] = []
    for distance in range(max(len(after), len(before))):
        pieces.extend(texts[distance] for texts in (after, before) if distance < len(texts))
    return [p for p in pieces if len(p) <= 200]


def _visible(texts: Iterator[str | None], limit: int) -> list[str]:
    """The first `limit` texts that are not blank (XPath's normalize-space() test)."""
    found: list[str] = []
    for text in texts:
        if text and text.strip(" \t\r\n"):
            found.append(text)
            if len(found) == limit:
                break
    return found


def _levels(anchor: HtmlElement) -> Iterator[tuple[HtmlElement, bool]]:
    """The anchor and its ancestors, each with whether its parent's text is code."""
    chain = [anchor, *anchor.iterancestors()]
    inside = [False] * len(chain)
    for index in range(len(chain) - 2, -1, -1):
        inside[index] = inside[index + 1] or chain[index + 1].tag in _NOT_TEXT
    return zip(chain, inside, strict=True)


def texts_after(anchor: HtmlElement) -> Iterator[str | None]:
    """Text nodes after `anchor` in document order, not inside it (XPath's following::)."""
    for node, hidden in _levels(anchor):
        if hidden:
            continue
        yield node.tail
        for sibling in node.itersiblings():
            walker = etree.iterwalk(sibling, events=("start", "end"))
            for event, el in walker:
                if event == "end":
                    yield el.tail
                elif el.tag in _NOT_TEXT or not isinstance(el.tag, str):
                    walker.skip_subtree()
                else:
                    yield el.text


def texts_before(anchor: HtmlElement) -> Iterator[str | None]:
    """Text nodes before `anchor`, nearest first, not its ancestors' (XPath's preceding::)."""
    for node, hidden in _levels(anchor):
        if hidden:
            continue
        for sibling in node.itersiblings(preceding=True):
            yield sibling.tail
            yield from _reversed_content(sibling)
        parent = node.getparent()
        if parent is not None:
            yield parent.text


def _reversed_content(el: HtmlElement) -> Iterator[str | None]:
    """Text nodes inside `el` (its tail excluded), last first, opening elements lazily."""
    if el.tag in _NOT_TEXT or not isinstance(el.tag, str):
        return
    stack = [(el, el.iterchildren(reversed=True))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield node.text
            continue
        yield child.tail
        if isinstance(child.tag, str) and child.tag not in _NOT_TEXT:
            stack.append((child, child.iterchildren(reversed=True)))


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
        for piece in near_headline(root, title, around):
            found = _date_span(piece)
            if found and not _after_update_label(piece, found):
                return found
    for el in _dated(root):
        words = " ".join(bp.words(el))
        if not any(w in words for w in _DATE_WORDS) or any(w in words for w in _UPDATE_WORDS):
            continue
        for value in (el.get("title"), text_of(el)):
            if value and len(value) <= 120:
                found = _date_span(value)
                if found and not in_noise(el):
                    return found
    return None
