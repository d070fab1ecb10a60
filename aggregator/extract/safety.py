"""The body safety net: judge the generic extractor's body, try a second strategy when weak.

The generic extractor (`text.py`) picks one container by a prose-minus-noise
score. On a layout it was never tuned for it can pick the wrong one: nothing
(the article sits in an element named like a sidebar, inside a `<form>`), a
standfirst, or a block full of menus and notices. Those failures are cheap to
see against an independent estimate of the article's size: the characters of
text in the page's `<p>` elements, wherever they are (but not in a story list,
`boilerplate.is_story_list`: whole related posts say nothing of this article's
size). The same pass measures the page's longest *run* of prose paragraphs in
one container, which `pagekind.strong_evidence` reads.

`weakness` judges the body of a page that looks like an article (article
metadata, or one paragraph of at least `LONG_PARAGRAPH` characters) and names
what is wrong with it (None when nothing is):

- `empty`: no body, or under `MIN_BODY` characters;
- `short`: less than `SHORT_SHARE` of the page's paragraph text;
- `long`: more than `LONG_SHARE` times the page's paragraph text (at least
  `MIN_PARAGRAPHS` of it): the body took in menus, link lists or notices.

A weak body is checked against a second, independent strategy: trafilatura
(chosen by measurement on the development corpus, see docs/extraction.md).
`choose` keeps the body whose length is closer, as a ratio, to the page's
paragraph text; a fallback under `MIN_BODY` characters never wins, an empty
primary always loses, a tie keeps the primary. As it
runs only on weak pages (about one in five on the corpus), its cost is small
on average.

No settings. The reason travels with the item as `ArticleItem.sources["body_fallback"]`
(extraction runs in worker processes); the crawl counts it as
`aggregator/extract/fallback/<reason>` (`aggregator/spiders/extraction.py`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from lxml.html import HtmlElement

from aggregator.extract.boilerplate import is_story_list
from aggregator.extract.document import norm_space

logger = logging.getLogger(__name__)

#: A body shorter than this (characters) is no article text (as `pagekind.MIN_ARTICLE_CHARS`).
MIN_BODY = 200
#: A body under this share of the page's paragraph text left most of the article out ...
SHORT_SHARE = 0.5
#: ... and one over this multiple of it took in text that is not the article's.
LONG_SHARE = 1.1
#: Paragraph text below which "too long" is not judged (short pages, text in <div>s).
MIN_PARAGRAPHS = 1000
#: `sources["body"]` of a body the second strategy supplied.
FALLBACK_LAYER = "trafilatura"
#: The key of `ArticleItem.sources` that carries the reason the safety net ran.
REASON_KEY = "body_fallback"

#: A page with a paragraph this long (characters) has a long text block: it looks like an article.
LONG_PARAGRAPH = 300


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the page says about its article, independently of the extractor."""

    paragraph_chars: int
    """Characters of (whitespace-normalised) text in the page's `<p>` elements."""
    longest_paragraph: int
    """Characters of the longest of them."""
    declared: bool
    """The page declares an article (a JSON-LD article node, og:type article)."""
    run_chars: int = 0
    """Characters of prose paragraphs under the one element holding most of them."""

    @property
    def looks_like_article(self) -> bool:
        """Article metadata, or a long text block: a page whose body must not be lost."""
        return self.declared or self.longest_paragraph >= LONG_PARAGRAPH


#: A paragraph counts toward a run when at least this many characters and ...
RUN_PARAGRAPH = 40
#: ... at most this share of them is link text (a linked teaser blurb is not prose).
RUN_LINK_SHARE = 0.5


def gather(root: HtmlElement, declared: bool) -> Evidence:
    """Measure the page's `<p>` text (one pass over the paragraphs, not the whole tree).

    Also the *run*: the prose paragraphs that share one parent element, for the
    parent holding most. An article's paragraphs are siblings in one container;
    a listing's blurbs sit one per teaser card, so their runs stay short.
    """
    total = longest = 0
    runs: dict[HtmlElement, int] = {}
    lists: list[HtmlElement] = []  # other posts' paragraphs say nothing of this article's size
    for paragraph in root.iter("p", "article"):  # one walk, in document order
        if paragraph.tag == "article":
            if is_story_list(paragraph):
                lists.append(paragraph)
            continue
        if lists and any(a in lists for a in paragraph.iterancestors("article")):
            continue
        size = len(norm_space(paragraph.text_content()))
        total += size
        longest = max(longest, size)
        parent = paragraph.getparent()
        if size >= RUN_PARAGRAPH and parent is not None and not _teaser(paragraph, size):
            runs[parent] = runs.get(parent, 0) + size
    return Evidence(total, longest, declared, max(runs.values(), default=0))


_HEADINGS = frozenset(("h2", "h3", "h4", "h5"))


def _teaser(paragraph: HtmlElement, size: int) -> bool:
    """A blurb: mostly link text, or right after a linked headline (a flat teaser list)."""
    before = paragraph.getprevious()
    if before is not None and before.tag in _HEADINGS and before.find(".//a") is not None:
        return True
    links = sum(len(norm_space(a.text_content())) for a in paragraph.iter("a"))
    return links > RUN_LINK_SHARE * size


def weakness(body: str | None, evidence: Evidence) -> str | None:
    """`empty`, `short` or `long` when `body` looks wrong for an article page, else None.

    Only a page that looks like an article is judged: on a listing page, whose
    paragraphs are teaser blurbs, the second strategy would only find a teaser
    grid to call an article.
    """
    if not evidence.looks_like_article:
        return None
    size = len(body or "")
    paragraphs = evidence.paragraph_chars
    if size < MIN_BODY:
        return "empty"
    if size < SHORT_SHARE * paragraphs:
        return "short"
    if paragraphs >= MIN_PARAGRAPHS and size > LONG_SHARE * paragraphs:
        return "long"
    return None


def choose(primary: str | None, fallback: str | None, evidence: Evidence) -> bool:
    """True when `fallback` is the better body: closer in length to the paragraph text.

    Distance is |log(length / paragraph text)|, so "half as long" and "twice
    as long" are equally far. Without paragraph text to compare with, a
    non-empty primary stays.
    """
    if not fallback or len(fallback) < MIN_BODY:
        return False  # a few words are no body, whatever the primary found
    if not primary:
        return True
    if evidence.paragraph_chars <= 0:
        return False
    target = evidence.paragraph_chars

    def distance(text: str) -> float:
        return abs(math.log(len(text) / target))

    return distance(fallback) < distance(primary)


def second_body(html: str, url: str) -> str | None:
    """The body trafilatura finds, paragraphs joined by blank lines, or None."""
    # Imported here: only weak pages need it, and it is slow to import (CLI start-up).
    import trafilatura

    try:
        text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    except Exception:  # a failing fallback must leave the primary result standing
        logger.warning("second body strategy failed on %s", url, exc_info=True)
        return None
    if not text:
        return None
    paragraphs = [norm_space(line) for line in text.splitlines()]
    return "\n\n".join(p for p in paragraphs if p) or None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The body kept, the layer that supplied it, and why the safety net ran (or None)."""

    body: str | None
    layer: str | None
    reason: str | None


def settle(
    body: str | None, layer: str | None, evidence: Evidence, page: Callable[[], str], url: str
) -> Outcome:
    """Keep `body` unless it is weak and the second strategy does better by `choose`.

    `page` gives the page's text: only weak pages pay for decoding it again.
    """
    reason = weakness(body, evidence)
    if reason is None:
        return Outcome(body, layer, None)
    fallback = second_body(page(), url)
    if choose(body, fallback, evidence):
        return Outcome(fallback, FALLBACK_LAYER, reason)
    return Outcome(body or None, layer if body else None, reason)
