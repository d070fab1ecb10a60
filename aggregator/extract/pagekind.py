"""Is this page an article? Category, tag, author, search, home and about pages are not.

Signals are weighed in order of trust: what the page says about itself in
structured data (an article node, og:type, WordPress body classes), then what
its URL says, then what its text looks like (a single long run of prose versus
a grid of teasers).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract.document import body_of

_LISTING_PATH = re.compile(
    r"/(category|categories|tag|tags|topic|topics|author|authors|autor|autoren|search|suche"
    r"|buscar|recherche|archive|archives|page|seite|pagina|section|sections|rubrik|thema"
    r"|themen|label|labels)(/|$)",
    re.IGNORECASE,
)
_STATIC_PATH = re.compile(
    r"^/(about|about-us|contact|contact-us|impressum|imprint|privacy|privacy-policy|terms"
    r"|terms-of-service|datenschutz|kontakt|legal|cookies?|faq|help|advertise|jobs|careers"
    r"|team|staff|subscribe|newsletter|login|register)(\.\w+)?/?$",
    re.IGNORECASE,
)
_LISTING_QUERY = re.compile(r"(^|&)(s|q|query|search|page|paged|tag|cat|category)=", re.IGNORECASE)
_WP_LISTING = frozenset(
    ("archive", "category", "tag", "author", "search", "home", "blog", "error404")
)
_WP_ARTICLE = frozenset(("single", "single-post", "single-format-standard", "postid"))
_NOT_ARTICLE_TYPES = frozenset(("website", "profile", "blog", "object"))

#: Less prose than this (characters) is not an article, whatever the markup says.
MIN_ARTICLE_CHARS = 200


def url_kind(url: str) -> str | None:
    """`listing`, `static` or `home` when the URL alone says so, else None."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("/", "") or re.fullmatch(r"/(index\.\w+|[a-z]{2}(-[a-z]{2})?/?)", path, re.I):
        if _LISTING_QUERY.search(parts.query):
            return "listing"
        # "/?p=959" is how WordPress addresses a post without pretty permalinks.
        return None if parts.query else "home"
    if _STATIC_PATH.match(path):
        return "static"
    if _LISTING_PATH.search(path) or _LISTING_QUERY.search(parts.query):
        return "listing"
    return None


def body_classes(root: HtmlElement) -> set[str]:
    """Class words of `<body>` (WordPress and Drupal put the page type there)."""
    body = body_of(root)
    return set() if body is None else set((body.get("class") or "").lower().split())


_TEASERS = etree.XPath("count(//h2[.//a[@href]] | //h3[.//a[@href]] | //h4[.//a[@href]])")


def teaser_count(root: HtmlElement) -> int:
    """How many headline links the page has: a listing has many, an article a few."""
    return int(_TEASERS(root))


def ruled_out(root: HtmlElement, url: str, *, article_node: str) -> bool:
    """True when `is_article` says no whatever the page's prose: skip extracting it.

    Listing body classes; an undeclared page at a listing, static or home URL; a
    home page whose article node does not name it.
    """
    classes = body_classes(root)
    if classes & _WP_LISTING and not classes & _WP_ARTICLE:
        return True
    kind = url_kind(url)
    if kind is None:
        return False
    declared = bool(article_node) or bool(classes & _WP_ARTICLE)
    return not declared or (kind == "home" and article_node != "names_page")


def is_article(
    root: HtmlElement, url: str, *, article_node: str, og_type: str | None, prose: int
) -> bool:
    """Decide from structured data, URL, body classes and the amount of prose.

    `article_node` is "names_page" when a JSON-LD article node gives this page's
    URL, "describes" when one is the page's only article node, else "".
    """
    has_article_node = bool(article_node)
    classes = body_classes(root)
    kind = url_kind(url)
    if classes & _WP_LISTING and not classes & _WP_ARTICLE:
        return False
    declared = has_article_node or bool(classes & _WP_ARTICLE)
    if prose < MIN_ARTICLE_CHARS:
        # A declared article whose text a script fills in still has a headline and a date.
        return declared and kind is None
    if declared:
        # A home page may carry its lead story's node; only one naming this URL counts.
        return kind != "home" or article_node == "names_page"
    if kind is not None:
        return False
    if og_type and og_type.lower() == "article":
        return True
    if og_type and og_type.lower() in _NOT_ARTICLE_TYPES and "page" in classes:
        return False
    return not (prose < 1500 and teaser_count(root) >= 12)
