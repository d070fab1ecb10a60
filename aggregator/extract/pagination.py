"""Finding a listing's next page: rel=next, "Next"/"Older posts" links, page numbers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import text_of

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


def _label(a: HtmlElement) -> str:
    text = text_of(a).strip(_ARROWS) or text_of(a)
    return text or (a.get("aria-label") or a.get("title") or "").strip()


def next_page(root: HtmlElement, base: str, page_url: str) -> str | None:
    """Absolute URL of the next listing page, or None."""
    for el in root.xpath("//link[@href]|//a[@href]"):
        if "next" in (el.get("rel") or "").lower().split():
            return urljoin(base, str(el.get("href")).strip())
    anchors = [a for a in root.iter("a") if (a.get("href") or "").strip("#/ ")]
    for a in anchors:
        if _NEXT_TEXT.match(_label(a)) or _NEXT_TEXT.match(text_of(a)):
            return urljoin(base, str(a.get("href")).strip())
    for a in anchors:
        if "prev" in (a.get("rel") or "").lower():
            continue  # a single post's link to the previous post, not a listing page
        words = bp.words(a) | (bp.words(a.getparent()) if a.getparent() is not None else set())
        if words & {"next", "older", "pagination-next"}:
            return urljoin(base, str(a.get("href")).strip())
    current = _page_number(page_url) or 1
    for a in anchors:
        url = urljoin(base, str(a.get("href")).strip())
        if _page_number(url) == current + 1:
            return url
    return None
