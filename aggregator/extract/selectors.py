"""Site selectors: the operator's CSS or XPath per field, tried before any heuristic.

Keys are ArticleItem field names (a few aliases such as `published` or `author`
are accepted); values are CSS (with parsel's `::text` and `::attr(name)`) or
XPath (anything starting with `/`, `./` or `(`). A selector that is invalid or
matches nothing leaves the field to the generic layers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import css2xpath

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import norm_space, text_of
from aggregator.extract.text import element_paragraphs

logger = logging.getLogger(__name__)

#: Selector keys accepted for each internal field name.
ALIASES = {
    "title": "title", "headline": "title", "body": "body", "text": "body",
    "summary": "summary", "description": "summary", "authors": "authors", "author": "authors",
    "published": "published", "published_raw": "published", "date": "published",
    "modified": "modified", "modified_raw": "modified", "updated": "modified",
    "image": "image", "image_url": "image", "category": "category", "section": "category",
    "tags": "tags", "keywords": "tags", "language": "language", "canonical_url": "canonical",
}  # fmt: skip
_LIST_FIELDS = ("authors", "tags")


def to_xpath(selector: str) -> str:
    """XPath for a selector written as CSS or XPath."""
    stripped = selector.strip()
    if stripped.startswith(("/", "./", "(")):
        return stripped
    return css2xpath(stripped)


def select(root: HtmlElement, selector: str) -> list[Any]:
    """Matches of a CSS or XPath selector; empty (and a warning) when it is invalid."""
    try:
        result = root.xpath(to_xpath(selector))
    # cssselect's ExpressionError (an unknown pseudo-element such as `a::foo`) is a RuntimeError.
    except (etree.XPathError, ValueError, TypeError, SyntaxError, RuntimeError) as exc:
        logger.warning("invalid selector %r: %s", selector, exc)
        return []
    return result if isinstance(result, list) else [result]


def _as_text(value: Any) -> str:
    if isinstance(value, HtmlElement):
        for attr in ("content", "datetime"):
            if value.get(attr) and value.tag in ("meta", "time"):
                return norm_space(value.get(attr))
        return text_of(value)
    return norm_space(str(value))


def _paragraphs(values: list[Any]) -> list[str]:
    """Body paragraphs of the matched elements: their blocks, less residue lines."""
    out: list[str] = []
    for value in values:
        texts = element_paragraphs(value) if isinstance(value, HtmlElement) else [_as_text(value)]
        out.extend(t for t in texts if t and not bp.is_junk_line(t))
    return out


def selector_fields(root: HtmlElement, selectors: Mapping[str, str] | None) -> dict[str, Any]:
    """Field values found by the site's selectors, keyed by internal field name."""
    fields: dict[str, Any] = {}
    for key, selector in (selectors or {}).items():
        name = ALIASES.get(key.strip().lower())
        if name is None or not isinstance(selector, str) or not selector.strip():
            continue
        values = select(root, selector)
        if not values:
            continue
        if name == "body":
            paragraphs = _paragraphs(values)
            if paragraphs:
                fields[name] = "\n\n".join(paragraphs)
        elif name in _LIST_FIELDS:
            texts = [_as_text(v) for v in values]
            fields[name] = [t for t in texts if t]
        else:
            text = next((t for t in map(_as_text, values) if t), "")
            if text:
                fields[name] = text
    return fields
