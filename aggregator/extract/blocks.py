"""Cut a page into text blocks in one streaming walk that skips boilerplate whole.

A block is the text between two block-level tags, owned by the innermost open
block element, with the number of its characters inside links and the nearest
enclosing "negative" (widget-like) element. The walk (lxml's iterwalk: no
recursion, no change to the tree the other layers share) records the element
tree as flat arrays (parent, last descendant) so that `text.py` can sum counts
bottom-up without touching lxml again.

Subtrees that are never article text (scripts, navigation, hidden elements,
widgets named by their class words) are skipped at their root: a page's
mega-menu or sidebar costs one visit, not one per link. A widget-like element
is kept only when it wraps most of the page's visible text and that text is
mostly outside links (a layout wrapper such as "has-sidebar", not a menu).
No settings, no stats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp

#: A "negative" element holding more than this share of the page's visible text is a
#: layout wrapper ("has-sidebar", "sidebar-second"), not a widget ...
WRAPPER_SHARE = 0.5
#: ... unless more than this share of its text is links: then it is a (mega-)menu.
WRAPPER_LINKS = 0.5

_HIDDEN_TEXT = etree.XPath(".//script/text() | .//style/text()", smart_strings=False)
_LINK_OWN_TEXT = etree.XPath("descendant::a/text()", smart_strings=False)
_LINK_TEXT = etree.XPath("descendant::text()[ancestor::a]", smart_strings=False)


@dataclass(slots=True)
class Block:
    """The text between two block-level tags, owned by the innermost open block."""

    text: str
    links: int
    tag: str
    owner: int
    negative: int


@dataclass(slots=True)
class Blocks:
    """A page cut into blocks, with the walked elements as arrays indexed alike.

    `ends[i]` is the index of element i's last descendant, so its subtree is
    the index range `i..ends[i]`; skipped elements are recorded but own nothing.
    """

    elements: list[HtmlElement] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    hints: list[bool] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def _solid(text: str) -> int:
    """Characters that are not ASCII whitespace (what a reader sees, however it is indented)."""
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")


def visible_chars(el: HtmlElement) -> int:
    """Characters of text under `el`, leaving out scripts and styles."""
    return len(el.text_content()) - sum(map(len, _HIDDEN_TEXT(el)))


def is_wrapper(el: HtmlElement, page_chars: int) -> bool:
    """A negative-looking element that holds most of the page's prose wraps the article.

    Cheapest tests first: text_content() is one C call and most widgets fail
    it; text directly inside links is cheap to list and settles menus.
    """
    text = el.text_content()
    if len(text) < WRAPPER_SHARE * page_chars:
        return False
    solid = _solid(text)
    if _solid("".join(_LINK_OWN_TEXT(el))) > WRAPPER_LINKS * solid:
        return False
    hidden = "".join(_HIDDEN_TEXT(el))
    if len(text) - len(hidden) < WRAPPER_SHARE * page_chars:
        return False
    return _solid("".join(_LINK_TEXT(el))) <= WRAPPER_LINKS * (solid - _solid(hidden))


def _hidden(el: HtmlElement, names: list[str]) -> bool:
    """Hidden by an attribute; `names` are the element's attribute names."""
    if "hidden" in names or ("aria-hidden" in names and el.get("aria-hidden") == "true"):
        return True
    return "style" in names and bp.hidden_style(el.get("style"))


def _hint(el: HtmlElement, tag: str, flags: int, names: list[str]) -> bool:
    """Body-like class names, <article> or itemprop=articleBody."""
    if tag == "article" or flags & bp.BODY_HINT:
        return True
    return "itemprop" in names and el.get("itemprop").lower() == "articlebody"


def _flags(el: HtmlElement, names: list[str]) -> int:
    """`boilerplate.element_flags`, reading only attributes the element has."""
    if "class" not in names and "id" not in names:
        return 0
    return bp.class_flags(f"{el.get('class') or ''} {el.get('id') or ''}".lower())


class _Cutter:
    """The walk's state between events: open elements, open blocks, pending text."""

    def __init__(self, root: HtmlElement) -> None:
        self.root = root
        self.out = Blocks()
        self.page_chars = visible_chars(root)
        # Per open element: (index, is block, is link, negative index before it, skipped).
        self.frames: list[tuple[int, bool, bool, int, bool]] = []
        self.blocks_open = [-1]
        self.links = 0
        self.negative = -1
        self.parts: list[str] = []
        self.link_chars = 0

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.links:
                self.link_chars += len(text.strip())

    def flush(self, owner: int) -> None:
        if self.parts:
            # str.split() breaks on what `\s` matches, so this is norm_space().
            text = " ".join("".join(self.parts).split())
            if text:
                tag = str(self.out.elements[owner].tag) if owner >= 0 else ""
                self.out.blocks.append(Block(text, self.link_chars, tag, owner, self.negative))
            self.parts.clear()
            self.link_chars = 0

    def _record(self, el: HtmlElement) -> int:
        out = self.out
        index = len(out.elements)
        out.elements.append(el)
        out.parents.append(self.frames[-1][0] if self.frames else -1)
        out.ends.append(index)
        return index

    def start(self, el: HtmlElement, tag: str) -> bool:
        """Open an element; False when its subtree is to be skipped."""
        index = self._record(el)
        # One call lists the attributes; most elements have none of those tested below.
        names = [] if tag in bp.DROP_TAGS else el.keys()
        flags = _flags(el, names) if names else 0
        if el is not self.root and self._skipped(el, tag, flags, names):
            # A skipped element owns no text, so its hint never counts.
            self.out.hints.append(False)
            self.frames.append((index, False, False, self.negative, True))
            return False
        self.out.hints.append(_hint(el, tag, flags, names))
        is_block = tag in bp.BLOCK_TAGS
        if is_block:
            self.flush(self.blocks_open[-1])
            self.blocks_open.append(index)
        is_link = tag == "a"
        self.links += is_link
        self.frames.append((index, is_block, is_link, self.negative, False))
        if flags & bp.NEGATIVE and not is_wrapper(el, self.page_chars):
            self.negative = index
        self.add(el.text)
        return True

    def _skipped(self, el: HtmlElement, tag: str, flags: int, names: list[str]) -> bool:
        if tag in bp.DROP_TAGS or (names and _hidden(el, names)):
            return True
        if tag == "main" or not flags & bp.STRONG_NEGATIVE:
            return False
        return not is_wrapper(el, self.page_chars)

    def end(self, el: HtmlElement) -> None:
        index, is_block, is_link, negative_before, skipped = self.frames.pop()
        self.out.ends[index] = len(self.out.elements) - 1
        if not skipped:
            if is_block:
                self.flush(self.blocks_open.pop())
            self.links -= is_link
            self.negative = negative_before
        self.add(el.tail)


def cut_blocks(root: HtmlElement) -> Blocks:
    """Cut the tree under `root` (the page's body, or a selected element) into blocks."""
    cutter = _Cutter(root)
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "end":
            cutter.end(el)
        elif not cutter.start(el, tag):
            walker.skip_subtree()
    cutter.flush(cutter.blocks_open[-1])
    return cutter.out
