"""Is this page an article? Category, tag, author, search, home and about pages are not.

Signals are weighed in order of trust: what the page says about itself in
structured data (an article node, og:type, WordPress body classes), then what
its URL says, then what its text looks like (a single long run of prose versus
a grid of teasers).

A "not an article" verdict from the URL (a `/themen/` or `/about-us/` path) or
from the text (many headline links, little prose) is only final when the page
has no strong article evidence (`strong_evidence`): a long run of paragraphs in
one container, or article metadata together with a shorter run. A page that
says it is a listing (WordPress body classes) or a home page whose article node
does not name it stays refused whatever its text: a home page's lead story is
another page's article. No settings, no stats.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract.document import body_of
from aggregator.extract.safety import Evidence

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
#: A run of prose paragraphs in one container this long (characters) is an article's text ...
LONG_RUN = 1200
#: ... and a run this long is, on a page whose metadata declares an article.
DECLARED_RUN = 500


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


def strong_evidence(evidence: Evidence, kind: str | None) -> bool:
    """True when the page's own text (and metadata) show an article, whatever its URL says.

    A long run of prose paragraphs in one container; or declared article
    metadata with a shorter run. A static URL ("about us") needs the metadata:
    such pages often hold a long run of prose that is no news.
    """
    declared = evidence.declared and evidence.run_chars >= DECLARED_RUN
    if kind == "static":
        return declared
    return declared or evidence.run_chars >= LONG_RUN


def refused(root: HtmlElement, url: str, *, article_node: str) -> bool:
    """True when the page says it is no article, or is a home page: final, whatever its text."""
    classes = body_classes(root)
    if classes & _WP_LISTING and not classes & _WP_ARTICLE:
        return True
    return url_kind(url) == "home" and article_node != "names_page"


def ruled_out(
    root: HtmlElement, url: str, *, article_node: str, evidence: Evidence | None = None
) -> bool:
    """True when `is_article` says no whatever the page's prose: skip extracting it.

    Listing body classes; a home page whose article node does not name it; an
    undeclared page at a listing or static URL, unless `evidence` is strong.
    """
    if refused(root, url, article_node=article_node):
        return True
    kind = url_kind(url)
    if kind is None:
        return False
    classes = body_classes(root)
    if bool(article_node) or bool(classes & _WP_ARTICLE):
        return False
    return evidence is None or not strong_evidence(evidence, kind)


def is_article(
    root: HtmlElement,
    url: str,
    *,
    article_node: str,
    og_type: str | None,
    prose: int,
    evidence: Evidence | None = None,
) -> bool:
    """Decide from structured data, URL, body classes and the amount of prose.

    `article_node` is "names_page" when a JSON-LD article node gives this page's
    URL, "describes" when one is the page's only article node, else "".
    A "no" from the URL or the text gives way to strong `evidence`.
    """
    if _is_article(root, url, article_node=article_node, og_type=og_type, prose=prose):
        return True
    if evidence is None or refused(root, url, article_node=article_node):
        return False
    return strong_evidence(evidence, url_kind(url))


def _is_article(
    root: HtmlElement, url: str, *, article_node: str, og_type: str | None, prose: int
) -> bool:
    """The verdict of metadata, URL, body classes and the amount of prose alone."""
    has_article_node = bool(article_node)
    classes = body_classes(root)
    kind = url_kind(url)
    if classes & _WP_LISTING and not classes & _WP_ARTICLE:
        return False
    declared = has_article_node or bool(classes & _WP_ARTICLE)
    if prose < MIN_ARTICLE_CHARS:
        # A declared article whose text a script fills in still has a headline and a
        # date: an item, which validation drops as NoBody (counted), not a silent None.
        og_article = bool(og_type) and str(og_type).lower() == "article"
        return (declared or og_article) and kind is None
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
