"""Generic main-text extraction: find the article's container, keep its paragraphs.

`blocks.py` cuts the page into blocks (the text between two block-level tags,
with its characters inside links) in one walk that skips boilerplate subtrees
whole. Each block counts as article-like text (long, few links) or as noise
(link lists, widgets, teaser cards), and the counts are summed bottom-up so
that every element knows how much of each it holds. The container is the
element where article text minus noise is largest: an ancestor that adds
menus and sidebars loses, a descendant that leaves paragraphs out loses. Its
blocks, less residue lines, are the body. No settings, no stats.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp
from aggregator.extract.blocks import Block, Blocks, cut_blocks
from aggregator.extract.document import body_of

#: A block at least this long with few links reads as a paragraph of prose.
MIN_PROSE = 40
#: Weight of one character of noise against one of prose when choosing the container.
NOISE_WEIGHT = 1.0
#: A teaser card is at most this many levels above its headline and this long.
TEASER_LEVELS = 3
TEASER_CHARS = 700
#: Share of prose credit given for body-like class names, <article> or itemprop=articleBody.
HINT_BONUS = 0.25


def _sizes(state: Blocks) -> list[int]:
    """Characters of block text under each element."""
    sizes = [0] * len(state.elements)
    for block in state.blocks:
        if block.owner >= 0:
            sizes[block.owner] += len(block.text)
    for index in range(len(sizes) - 1, 0, -1):
        if state.parents[index] >= 0:
            sizes[state.parents[index]] += sizes[index]
    return sizes


def _mark_teasers(state: Blocks) -> None:
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


def _mark_story_lists(state: Blocks) -> None:
    """Treat a story list (an `<article>` of `<article>`s, no headline) as noise.

    Related-post widgets nest whole posts, blurbs and all, in one wrapper; their
    prose would otherwise draw the container up to a parent of both.
    """
    # The walked elements, not a new walk of the page: a skipped widget needs no check.
    for index, element in enumerate(state.elements):
        if element.tag != "article" or not bp.is_story_list(element):
            continue
        for block in state.blocks:
            if index <= block.owner <= state.ends[index] and block.negative < index:
                block.negative = index


def _choose(state: Blocks) -> int:
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
    state = cut_blocks(body)
    if not state.blocks:
        return []
    _mark_teasers(state)
    _mark_story_lists(state)
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
    """Drop everything from a "Related posts" header on, if it sits in the last half.

    Where the article's prose resumes right after the header's few teasers, the
    header opened a box inside the article ("Auch interessant" between two
    paragraphs): only the box goes, wherever it sits.
    """
    total = sum(len(b.text) for b in blocks)
    kept: list[Block] = []
    seen = 0
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if bp.is_section_break(block.text):
            resume = _prose_resumes(blocks, index + 1)
            if resume is not None:
                index = resume
                continue
            if seen >= total / 2:
                break
        kept.append(block)
        seen += len(block.text)
        index += 1
    return kept


#: A box inside the article holds at most this many blocks before the prose resumes
#: with a paragraph of at least `_PROSE` characters that ends a sentence.
_BOX_BLOCKS = 3
_PROSE = 200


def _prose_resumes(blocks: list[Block], start: int) -> int | None:
    """Where article prose starts again after a section break at `start - 1`, if it does."""
    for offset, block in enumerate(blocks[start : start + _BOX_BLOCKS + 1]):
        if _is_prose(block):
            return start + offset
    return None


def _is_prose(block: Block) -> bool:
    return block.tag == "p" and len(block.text) >= _PROSE and block.text.endswith(_CLOSERS)


def _is_label(text: str) -> bool:
    return len(text) < 40 and not text.endswith(_CLOSERS)


def element_paragraphs(element: HtmlElement) -> list[str]:
    """Every kept block under `element`, for a container a site selector names."""
    state = cut_blocks(element)
    return [block.text for block in state.blocks if block.negative < 0 and _keep(block)]
