"""The text around the page's headline: where datelines and "By" lines sit.

`headline_anchor` finds the element that shows the headline; `near_headline`
gives the text pieces around it, closest first. The walkers are lazy
generators equal to XPath's `following::` and `preceding::` axes (script and
style text left out), so a caller that needs the first few pieces never
collects the whole page. Used by `datefind` (dates printed near the headline)
and `byline` ("By Jane Doe" lines).

No settings, no stats.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract.document import headlines, text_of

#: Text inside these is code or a fallback, never a dateline or byline.
_NOT_TEXT = frozenset(("script", "style", "noscript"))


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


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
    after = visible(texts_after(anchor), 40)
    before = visible(texts_before(anchor), 15)
    pieces: list[str] = []
    for distance in range(max(len(after), len(before))):
        pieces.extend(texts[distance] for texts in (after, before) if distance < len(texts))
    return [p for p in pieces if len(p) <= 200]


def visible(texts: Iterator[str | None], limit: int) -> list[str]:
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
