"""Generic main-text extraction: find the article's container, keep its paragraphs.

One streaming walk over the tree (lxml's iterwalk, so no recursion and no
mutation of the tree the other layers share) cuts the page into blocks: the
text between two block-level tags, with the number of characters inside links.
Each block counts as article-like text (long, few links) or as noise (link
lists, widgets), and the counts are summed bottom-up so that every element
knows how much of each it holds. The container is the element where article
text minus noise is largest: an ancestor that adds menus and sidebars loses,
a descendant that leaves paragraphs out loses. Its blocks, less residue
lines, are the body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import body_of, norm_space

#: A block at least this long with few links reads as a paragraph of prose.
MIN_PROSE = 40
#: Weight of one character of noise against one of prose when choosing the container.
NOISE_WEIGHT = 1.0
#: A teaser card is at most this many levels above its headline and this long.
TEASER_LEVELS = 3
TEASER_CHARS = 700
#: Share of prose credit given for body-like class names, <article> or itemprop=articleBody.
HINT_BONUS = 0.25


@dataclass(slots=True)
class Block:
    """The text between two block-level tags, owned by the innermost open block."""

    text: str
    links: int
    tag: str
    owner: int
    negative: int


@dataclass(slots=True)
class _Walk:
    elements: list[HtmlElement] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    hints: list[bool] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())

    def flush(self, owner: int, negative: int) -> None:
        if self.parts:
            text = norm_space("".join(self.parts))
            if text:
                tag = self.elements[owner].tag if owner >= 0 else ""
                self.blocks.append(Block(text, self.link_chars, str(tag), owner, negative))
            self.parts = []
            self.link_chars = 0


#: A "negative" element holding more than this share of the page's visible text is a
#: layout wrapper ("has-sidebar", "sidebar-second"), not a widget ...
WRAPPER_SHARE = 0.5
#: ... unless more than this share of its text is links: then it is a (mega-)menu.
WRAPPER_LINKS = 0.5

_HIDDEN_TEXT = etree.XPath(".//script/text() | .//style/text()", smart_strings=False)
_LINK_OWN_TEXT = etree.XPath("descendant::a/text()", smart_strings=False)
_LINK_TEXT = etree.XPath("descendant::text()[ancestor::a]", smart_strings=False)


def _solid(text: str) -> int:
    """Characters that are not ASCII whitespace (what a reader sees, however it is indented)."""
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")


def visible_chars(el: HtmlElement) -> int:
    """Characters of text under `el`, leaving out scripts and styles."""
    return len(el.text_content()) - sum(map(len, _HIDDEN_TEXT(el)))


def _is_wrapper(el: HtmlElement, page_chars: int) -> bool:
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


def _hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return style is not None and bp.hidden_style(style)


def _skip(el: HtmlElement, tag: str, flags: int, page_chars: int) -> bool:
    if tag in bp.DROP_TAGS or _hidden(el):
        return True
    if tag == "main" or not flags & bp.STRONG_NEGATIVE:
        return False
    return not _is_wrapper(el, page_chars)


def _hint(el: HtmlElement, tag: str, flags: int) -> bool:
    """Body-like class names, <article> or itemprop=articleBody."""
    if tag == "article" or flags & bp.BODY_HINT:
        return True
    prop = el.get("itemprop")
    return prop is not None and prop.lower() == "articlebody"


def _walk(body: HtmlElement) -> _Walk:
    """Cut the tree under `body` into blocks, recording the element tree as arrays.

    Skipped subtrees (scripts, navigation, widgets) are never entered, so a
    page's menus and sidebars cost one visit each, not one per link.
    """
    state = _Walk()
    # Per open element: (index, is block, is link, negative index before it, skipped).
    frames: list[tuple[int, bool, bool, int, bool]] = []
    blocks_open: list[int] = [-1]
    links = 0
    negative = -1
    page_chars = visible_chars(body)
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            index = len(state.elements)
            flags = bp.element_flags(el)
            state.elements.append(el)
            state.parents.append(frames[-1][0] if frames else -1)
            state.ends.append(index)
            state.hints.append(_hint(el, tag, flags))
            if el is not body and _skip(el, tag, flags, page_chars):
                walker.skip_subtree()
                frames.append((index, False, False, negative, True))
                continue
            is_block = tag in bp.BLOCK_TAGS
            if is_block:
                state.flush(blocks_open[-1], negative)
                blocks_open.append(index)
            is_link = tag == "a"
            links += is_link
            frames.append((index, is_block, is_link, negative, False))
            if flags & bp.NEGATIVE and not _is_wrapper(el, page_chars):
                negative = index
            state.add(el.text, links > 0)
        else:
            index, is_block, is_link, negative_before, skipped = frames.pop()
            state.ends[index] = len(state.elements) - 1
            if not skipped:
                if is_block:
                    state.flush(blocks_open.pop(), negative)
                links -= is_link
                negative = negative_before
            state.add(el.tail, links > 0)
    state.flush(blocks_open[-1], negative)
    return state


def _sizes(state: _Walk) -> list[int]:
    """Characters of block text under each element."""
    sizes = [0] * len(state.elements)
    for block in state.blocks:
        if block.owner >= 0:
            sizes[block.owner] += len(block.text)
    for index in range(len(sizes) - 1, 0, -1):
        if state.parents[index] >= 0:
            sizes[state.parents[index]] += sizes[index]
    return sizes


def _mark_teasers(state: _Walk) -> None:
    """Treat teaser cards (a linked headline plus its blurb) as noise.

    A heading that is all link names another page; its card is the largest
    small ancestor around it, so the blurb, kicker and date go with it.
    """
    cards: list[int] = []
    sizes: list[int] | None = None
    for block in state.blocks:
        if block.tag not in bp.HEADINGS or block.links < 0.8 * len(block.text):
            continue
        sizes = sizes or _sizes(state)
        card = block.owner
        for _ in range(TEASER_LEVELS):
            parent = state.parents[card]
            if parent < 0 or sizes[parent] > TEASER_CHARS:
                break
            card = parent
        cards.append(card)
    if not cards:
        return
    # Paint each card's subtree once, outer cards first, so the cost stays linear.
    cover = [-1] * len(state.elements)
    for card in sorted(set(cards)):
        if cover[card] < 0:
            for index in range(card, state.ends[card] + 1):
                cover[index] = card
    for block in state.blocks:
        card = cover[block.owner] if block.owner >= 0 else -1
        if card >= 0 and block.negative < card:
            block.negative = card


def _choose(state: _Walk) -> int:
    """Index of the element where prose minus weighted noise is largest."""
    count = len(state.elements)
    prose = [0.0] * count
    noise = [0.0] * count
    for block in state.blocks:
        if block.owner < 0:
            continue
        size = len(block.text)
        if block.negative >= 0 or block.links > size / 2:
            noise[block.owner] += size
        elif size >= MIN_PROSE:
            prose[block.owner] += size - block.links
            noise[block.owner] += block.links
        else:
            noise[block.owner] += block.links
    for index in range(count - 1, 0, -1):
        parent = state.parents[index]
        if parent >= 0:
            prose[parent] += prose[index]
            noise[parent] += noise[index]
    best, best_score = 0, float("-inf")
    for index in range(count):
        score = prose[index] - NOISE_WEIGHT * noise[index]
        if state.hints[index]:
            score += HINT_BONUS * prose[index]
        if score >= best_score:
            best, best_score = index, score
    return best


def _keep(block: Block) -> bool:
    if block.tag == "h1" or bp.is_junk_line(block.text):
        return False
    size = len(block.text)
    # Mostly-link lines are "Read more: <headline>" teasers; a sentence that
    # opens with a linked phrase keeps a good part of plain text.
    return block.links <= size * (0.5 if size < 100 else 0.65) or size > 300


def main_text(root: HtmlElement) -> list[str]:
    """The article's paragraphs in page order; empty when the page has no prose."""
    body = body_of(root)
    if body is None:
        body = root
    state = _walk(body)
    if not state.blocks:
        return []
    _mark_teasers(state)
    container = _choose(state)
    last = state.ends[container]
    kept: list[Block] = []
    for block in state.blocks:
        if not container <= block.owner <= last or block.negative > container:
            continue
        if _keep(block) and (not kept or kept[-1].text != block.text):
            kept.append(block)
    kept = _cut_at_break(kept)
    # A heading or label with nothing after it introduces what was cut ("Related").
    while kept and (kept[-1].tag in bp.HEADINGS or _is_label(kept[-1].text)):
        kept.pop()
    return [block.text for block in kept]


# Sentence ends, Latin and CJK (ideographic full stop, fullwidth ! ? and parenthesis).
_CLOSERS = (".", "!", "?", "…", '"', "”", "»", "。", "\uff01", "\uff1f", ")", "\uff09", "」")


def _cut_at_break(blocks: list[Block]) -> list[Block]:
    """Drop everything from a "Related posts" header on, if it sits in the last half."""
    total = sum(len(b.text) for b in blocks)
    seen = 0
    for index, block in enumerate(blocks):
        if seen >= total / 2 and bp.is_section_break(block.text):
            return blocks[:index]
        seen += len(block.text)
    return blocks


def _is_label(text: str) -> bool:
    return len(text) < 40 and not text.endswith(_CLOSERS)


def element_paragraphs(element: HtmlElement) -> list[str]:
    """Every kept block under `element`, for a container a site selector names."""
    state = _walk(element)
    return [block.text for block in state.blocks if block.negative < 0 and _keep(block)]
