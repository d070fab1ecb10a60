"""Finding a listing's next page: rel=next, "Next"/"Older posts" links, page numbers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import text_of
from aggregator.urls import absolute_url

_NEXT_TEXT = re.compile(
    r"^(next|next page|next posts|older|older posts|older entries|older articles|more posts|"
    r"load more|more articles|siguiente|página siguiente|siguientes|suivant|page suivante|"
    r"weiter|nächste|nächste seite|avanti|successivo|successiva|próximo|próxima|volgende|"
    r"次へ|次のページ|下一页|다음|»|\u203a|>|>>|→)$",
    re.IGNORECASE,
)
_ARROWS = " \t\n«»\u2039\u203a<>→←·.…"  # guillemets, single angle quotes, arrows
_PAGE_PATH = re.compile(r"/(?:page|seite|pagina|p)/(\d+)/?$", re.IGNORECASE)
_PAGE_QUERY = ("page", "paged", "p", "pg", "seite", "pagina")


# Elements with a rel attribute, in page order: far cheaper than a predicate per link.
_WITH_REL = etree.XPath("//@rel/..")


def _page_number(url: str) -> int | None:
    parts = urlsplit(url)
    match = _PAGE_PATH.search(parts.path)
    if match:
        return int(match.group(1))
    query = parse_qs(parts.query)
    for key in _PAGE_QUERY:
        if query.get(key) and query[key][0].isdigit():
            return int(query[key][0])
    return None


def _labelled_next(a: HtmlElement) -> bool:
    """A link labelled Next, Older posts, Siguiente, », ... (its text, else aria-label/title)."""
    text = text_of(a)
    label = text.strip(_ARROWS) or text or (a.get("aria-label") or a.get("title") or "").strip()
    return bool(_NEXT_TEXT.match(label) or _NEXT_TEXT.match(text))


_NEXT_WORDS = frozenset(("next", "older", "pagination-next"))


def _classed_next(a: HtmlElement) -> bool:
    if bp.words(a) & _NEXT_WORDS:
        return True
    parent = a.getparent()
    return parent is not None and bool(bp.words(parent) & _NEXT_WORDS)


def next_page(root: HtmlElement, base: str, page_url: str) -> str | None:
    """Absolute URL of the next listing page, or None."""
    for el in _WITH_REL(root):
        rel = (el.get("rel") or "").lower().split()
        if el.tag in ("link", "a") and el.get("href") is not None and "next" in rel:
            return absolute_url(base, str(el.get("href")))
    anchors = [a for a in root.iter("a") if (a.get("href") or "").strip("#/ ")]
    for a in anchors:
        if _labelled_next(a):
            return absolute_url(base, str(a.get("href")))
    for a in anchors:
        if "prev" in (a.get("rel") or "").lower():
            continue  # a single post's link to the previous post, not a listing page
        if _classed_next(a):
            return absolute_url(base, str(a.get("href")))
    current = _page_number(page_url) or 1
    for href in dict.fromkeys(str(a.get("href")).strip() for a in anchors):
        url = absolute_url(base, href)
        if url is not None and _page_number(url) == current + 1:
            return url
    return None
