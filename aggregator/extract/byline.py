"""Visible-text fallbacks for people, category and tags when no metadata names them.

Bylines are found through rel=author links and author/byline class words;
WordPress and many other CMSs mark category and tag links with
`rel="category tag"` and `rel="tag"`.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from aggregator.extract import boilerplate as bp
from aggregator.extract.datefind import near_headline
from aggregator.extract.document import norm_space, text_of

_AUTHOR_WORDS = frozenset(
    ("author", "byline", "author-name", "authorname", "writer", "autor", "by")
)
_NAME_WORDS = frozenset(("name", "author-name", "fn", "author__name"))
_NOISE_WORDS = frozenset(
    ("comment", "comments", "related", "sidebar", "widget", "bio", "author-bio")
)
_MAX_NAME = 80
# "By Jane Doe", "Von Max Muster |", "Por Ana María Pérez": two to four capitalised words.
_BY_NAME = re.compile(
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]or|[Pp]ar|di|door)\s+((?:[A-ZÀ-ÖØ-Þ][\w'\u2019.-]+\s?){2,4})"
    r"(?:$|[|,·•\u2013-])"  # the name ends the line or a separator follows (en dash included)
)


def _noisy(el: HtmlElement, tags: tuple[str, ...] = ("aside", "nav", "footer")) -> bool:
    for ancestor in el.iterancestors():
        if ancestor.tag in tags or bp.words(ancestor) & _NOISE_WORDS:
            return True
    return False


def byline_authors(root: HtmlElement, title: str | None = None) -> list[str]:
    """Names from rel=author links, a byline element, or "By Name" near the headline."""
    names = [text_of(a) for a in root.xpath("//a[contains(@rel, 'author')]") if not _noisy(a)]
    names = [n for n in names if 0 < len(n) <= _MAX_NAME]
    if names:
        return names[:5]
    for el in root.xpath("//body//*[@class]")[:5000]:
        if el.tag in ("body", "article", "main", "html") or not bp.words(el) & _AUTHOR_WORDS:
            continue
        if _noisy(el):
            continue
        inner = [n for n in el.iter() if bp.words(n) & _NAME_WORDS] or el.xpath(".//a") or [el]
        found = [text_of(n) for n in inner]
        found = [n for n in found if 0 < len(n) <= _MAX_NAME]
        if found:
            return found[:5]
    for piece in near_headline(root, title)[:12]:
        match = _BY_NAME.match(norm_space(piece))
        if match:
            return [match.group(1)]
    return []


def category_links(root: HtmlElement) -> list[str]:
    """Category labels from `rel="category"` links."""
    links = root.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
    return [t for t in (text_of(a) for a in links) if t]


def tag_links(root: HtmlElement) -> list[str]:
    """Tag labels from `rel="tag"` links that are not category links."""
    found: list[str] = []
    for a in root.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"):
        # An article's own footer is where themes print its tags.
        if "category" not in (a.get("rel") or "") and not _noisy(a, ("aside", "nav")):
            found.append(text_of(a))
    return [t for t in found if t]
