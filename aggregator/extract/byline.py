"""Visible-text fallbacks for people, category and tags when no metadata names them.

Bylines are found through rel=author links and author/byline class words;
WordPress and many other CMSs mark category and tag links with
`rel="category tag"` and `rel="tag"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import (
    by_class_or_id,
    class_values,
    classed_at,
    headlines,
    id_values,
    norm_space,
    text_of,
)
from aggregator.extract.nearby import near_headline

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
        if ancestor.tag in tags:
            return True
        if ancestor.tag in ("body", "html"):
            break  # "page-with-sidebar" on <body> says nothing about this link
        if bp.words(ancestor) & _NOISE_WORDS and not _HEADLINE(ancestor):
            return True  # a wrapper that holds the headline is the article, not a sidebar
    return False


_HEADLINE = etree.XPath("boolean(.//h1)")
# Author pages: /author/jane-doe, /autoren/jane-doe, /autor/, /authors/, /auteur/.
# One cheap contains() per link in XPath (a mega-menu has hundreds), then the exact
# path segments in Python: five contains() per link cost 1.4 ms on a 95 KB page.
_AUT_HREF = etree.XPath(".//a[contains(@href, '/aut')]")
_AUTHOR_PATH = re.compile(r"/(?:author|authors|autor|autoren|auteur)/")


def _author_page_links(root: HtmlElement) -> list[HtmlElement]:
    """Links to an author's page (`/author/`, `/autor/`, `/autoren/`, `/authors/`, `/auteur/`).

    Only inside the `<article>` or `<main>` that holds the headline, when there is
    one: the byline is there, and the site's menus (often hundreds of links) are not.
    """
    return [a for a in _AUT_HREF(_story(root)) if _AUTHOR_PATH.search(a.get("href") or "")]


def _story(root: HtmlElement) -> HtmlElement:
    for heading in headlines(root)[:1]:
        for above in heading.iterancestors():
            if above.tag in ("article", "main"):
                return above
    return root


_MAX_CLASSED = 5000
_ONE_BY_ONE = 3


def _author_value(value: str) -> bool:
    return bool(bp.class_words(value.lower()) & _AUTHOR_WORDS)


def _byline_candidates(root: HtmlElement) -> Iterator[HtmlElement]:
    """Elements with a class attribute that may name a byline, in page order.

    Class and id words are the union of each attribute's words, so an element
    qualifies exactly when its class or its id value does. The first candidate
    with a name usually ends the search, so the first few are fetched one by one.
    """
    classes = class_values(root)
    if len(classes) <= _MAX_CLASSED:
        if not any(map(_author_value, set(id_values(root)))):
            wanted = {v for v in set(classes) if _author_value(v)}
            hits = [n for n, value in enumerate(classes, 1) if value in wanted]
            yield from (classed_at(root, n) for n in hits[:_ONE_BY_ONE])
            if len(hits) <= _ONE_BY_ONE:
                return
        # The rest at once; candidates already tried fail again the same way.
        found = by_class_or_id(root, _author_value, _author_value, id_needs_class=True)
        if found is not None:
            yield from found
            return
    # Many candidates, or a huge page: only the first elements with a class are looked at.
    yield from root.xpath("//body//*[@class]")[:_MAX_CLASSED]


def byline_authors(
    root: HtmlElement, title: str | None = None, links: list[HtmlElement] | None = None
) -> list[str]:
    """Names from rel=author links, a byline element, or "By Name" near the headline.

    `links` are the page's `rel_links`, when the caller has them already.
    """
    links = rel_links(root) if links is None else links
    authors = [a for a in links if "author" in (a.get("rel") or "")]
    names = [text_of(a) for a in authors if not _noisy(a)]
    names = [n for n in names if 0 < len(n) <= _MAX_NAME]
    if names:
        return names[:5]
    # A link to an author page whose text is a name (two to five words, no "All articles").
    named = [text_of(a) for a in _author_page_links(root)[:20] if not _noisy(a)]
    names = [n for n in named if 2 <= len(n.split()) <= 5 and len(n) <= _MAX_NAME]
    if names:
        return list(dict.fromkeys(names))[:5]
    for el in _byline_candidates(root):
        if el.tag in ("body", "article", "main", "html") or not bp.words(el) & _AUTHOR_WORDS:
            continue
        if _noisy(el):
            continue
        inner = [n for n in el.iter() if bp.words(n) & _NAME_WORDS] or el.xpath(".//a") or [el]
        found = _separate_names(el) if inner == [el] else [text_of(n) for n in inner]
        found = [n for n in found if 0 < len(n) <= _MAX_NAME]
        if found:
            return found[:5]
    for piece in near_headline(root, title)[:12]:
        match = _BY_NAME.match(norm_space(piece))
        if match:
            return [match.group(1)]
    return []


def _separate_names(byline: HtmlElement) -> list[str]:
    """The byline's text, split where each name sits in its own element.

    `<span>Jane Doe</span> <span>Max Muster</span>` is two people, not one
    "Jane Doe Max Muster". The split is taken only when the leaf elements hold
    all of the byline's text and each looks like a name; a label ("Von:"), a
    date or a time among them leaves the text whole for `clean_authors`.
    """
    whole = text_of(byline)
    leaves = [text_of(n) for n in byline.iterdescendants() if len(n) == 0]
    leaves = [text for text in leaves if text]
    if len(leaves) >= 2 and " ".join(leaves) == whole and all(map(_NAME_LIKE.match, leaves)):
        return leaves
    return [whole]


# Two to five words, the first capitalised, no digits and no label colon.
_NAME_WORD = r"(?:[^\W\d_]|[.'\u2019-])"
_NAME_LIKE = re.compile(rf"^[^\W\d_a-z]{_NAME_WORD}*(?:\s+{_NAME_WORD}+){{1,4}}$")


_REL_LINKS = etree.XPath("//@rel/parent::a")


def rel_links(root: HtmlElement) -> list[HtmlElement]:
    """Every link with a rel attribute, in page order (one scan for every rel test)."""
    return list(_REL_LINKS(root))


def _rel_words(link: HtmlElement) -> list[str]:
    # XPath's normalize-space(): only these four characters separate words.
    rel = link.get("rel") or ""
    return rel.replace("\t", " ").replace("\n", " ").replace("\r", " ").split(" ")


def category_links(root: HtmlElement, links: list[HtmlElement] | None = None) -> list[str]:
    """Category labels from `rel="category"` links."""
    links = rel_links(root) if links is None else links
    return [t for t in (text_of(a) for a in links if "category" in _rel_words(a)) if t]


def tag_links(root: HtmlElement, links: list[HtmlElement] | None = None) -> list[str]:
    """Tag labels from `rel="tag"` links that are not category links."""
    found: list[str] = []
    for a in rel_links(root) if links is None else links:
        # An article's own footer is where themes print its tags.
        if "tag" not in _rel_words(a) or "category" in (a.get("rel") or ""):
            continue
        if not _noisy(a, ("aside", "nav")):
            found.append(text_of(a))
    return [t for t in found if t]
