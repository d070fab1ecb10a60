"""JSON-LD layer: find the page's article node and read its fields.

Publishers wrap the node in `@graph`, arrays, `mainEntity`, or several script
blocks, and often write JSON that a strict parser rejects (trailing commas, raw
newlines in strings, HTML comments, two objects in one block). Every block is
read leniently and the article node that best matches the page is chosen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract.boilerplate import words_set
from aggregator.extract.document import norm_space

Fields = dict[str, Any]

#: schema.org types whose node describes the article itself.
ARTICLE_TYPES = words_set(
    "article newsarticle blogposting reportagenewsarticle analysisnewsarticle "
    "opinionnewsarticle reviewnewsarticle backgroundnewsarticle askpublicnewsarticle "
    "satiricalarticle liveblogposting techarticle scholarlyarticle report "
    "socialmediaposting discussionforumposting review creativework medicalwebpage recipe howto"
)
#: page types that may carry a date or headline when no article node exists.
PAGE_TYPES = frozenset(("webpage", "itempage", "aboutpage", "searchresultspage"))
LISTING_TYPES = frozenset(("collectionpage", "profilepage", "searchresultspage"))

_MAX_BLOCK = 2_000_000
_MAX_NODES = 2000
_TRAILING_COMMA = re.compile(r",\s*([\]}])")
_COMMENT = re.compile(r"<!--|-->|<!\[CDATA\[|\]\]>|^\s*//.*$", re.MULTILINE)


def _loads(text: str) -> list[Any]:
    """Parse one script block into its top-level values, tolerating common damage."""
    text = text.strip().rstrip(";")
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", _COMMENT.sub("", text)).strip()):
        values: list[Any] = []
        decoder = json.JSONDecoder(strict=False)
        pos = 0
        try:
            while pos < len(attempt):
                value, pos = decoder.raw_decode(attempt, pos)
                values.append(value)
                while pos < len(attempt) and attempt[pos] in " \t\r\n,;":
                    pos += 1
        except (ValueError, RecursionError):
            if values:
                return values
            continue
        return values
    return []


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Yield every typed dict in a parsed block without recursion."""
    stack: list[Any] = [value]
    seen = 0
    while stack and seen < _MAX_NODES:
        item = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            for key in ("@graph", "mainEntity", "itemListElement", "hasPart", "item"):
                if key in item:
                    stack.append(item[key])


def node_types(node: dict[str, Any]) -> set[str]:
    """Lowercased @type values of a node (a string or a list)."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


_TYPED_SCRIPTS = etree.XPath("//script/@type/..")


def read_nodes(root: HtmlElement) -> list[dict[str, Any]]:
    """Every typed node from every JSON-LD block of the page, in page order."""
    nodes: list[dict[str, Any]] = []
    for script in _TYPED_SCRIPTS(root):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = script.text or ""
        if not text or len(text) > _MAX_BLOCK:
            continue
        for value in _loads(text):
            nodes.extend(_walk(value))
    return nodes


def _score(node: dict[str, Any], urls: set[str]) -> int:
    score = 0
    if node.get("headline"):
        score += 2
    if node.get("datePublished"):
        score += 2
    if node.get("articleBody"):
        score += 2
    if names_page(node, urls):
        score += 3
    return score


def _url_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value.rstrip("/") if isinstance(value, str) else ""


def pick_article(nodes: list[dict[str, Any]], urls: set[str]) -> dict[str, Any] | None:
    """The node describing this page's article, or None."""
    articles = [n for n in nodes if node_types(n) & ARTICLE_TYPES]
    if not articles:
        articles = [n for n in nodes if node_types(n) & PAGE_TYPES and n.get("datePublished")]
    if not articles:
        return None
    return max(articles, key=lambda n: _score(n, urls))


def _strings(value: Any, keys: tuple[str, ...] = ("name",)) -> list[str]:
    """Flatten a string, a list, or dicts (read through `keys`) into clean strings."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop(0)
        if isinstance(item, str):
            if norm_space(item):
                out.append(norm_space(item))
        elif isinstance(item, list):
            stack[:0] = item[:50]
        elif isinstance(item, dict):
            for key in keys:
                if item.get(key):
                    stack.insert(0, item[key])
                    break
    return out


def _first(value: Any, keys: tuple[str, ...] = ("name",)) -> str | None:
    values = _strings(value, keys)
    return values[0] if values else None


def _resolve(value: Any, nodes: list[dict[str, Any]]) -> Any:
    """Replace `{"@id": ...}` references (Yoast's @graph style) by the nodes they name."""
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict) and len(item) == 1 and by_id.get(item.get("@id")):
            item = by_id[item["@id"]]
        out.append(item)
    return out


def article_fields(node: dict[str, Any], nodes: list[dict[str, Any]] | None = None) -> Fields:
    """Map one article node to ArticleItem field names (raw values)."""
    keywords = node.get("keywords")
    tags = (
        [k.strip() for k in keywords.split(",") if k.strip()]
        if isinstance(keywords, str)
        else _strings(keywords)
    )
    fields: Fields = {
        "title": _first(node.get("headline")) or _first(node.get("name")),
        "published": _first(node.get("datePublished")) or _first(node.get("dateCreated")),
        "modified": _first(node.get("dateModified")),
        "authors": _strings(_resolve(node.get("author"), nodes or []), ("name",)),
        "summary": _first(node.get("description")),
        "image": _first(_resolve(node.get("image"), nodes or []), ("url", "contentUrl")),
        "category": _first(node.get("articleSection")),
        "tags": tags,
        "language": _first(node.get("inLanguage"), ("alternateName", "name")),
        "body": node.get("articleBody") if isinstance(node.get("articleBody"), str) else None,
        "canonical": _url_of(node.get("url")) or None,
    }
    return {k: v for k, v in fields.items() if v}


def page_key(url: str) -> str:
    """Host (without www.) and path (without trailing slash): how pages are compared."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def names_page(node: dict[str, Any], urls: set[str]) -> bool:
    """True when the node's own url or mainEntityOfPage is one of the page's URLs."""
    own = {_url_of(node.get("url")), _url_of(node.get("mainEntityOfPage"))} - {""}
    return bool({page_key(u) for u in own} & {page_key(u) for u in urls if u})


def describes_page(node: dict[str, Any], nodes: list[dict[str, Any]], urls: set[str]) -> bool:
    """True when an article node is this page's, not one teaser of a listed many."""
    if not node_types(node) & ARTICLE_TYPES:
        return False
    if names_page(node, urls):
        return True
    articles = sum(1 for n in nodes if node_types(n) & ARTICLE_TYPES)
    return articles <= 2
