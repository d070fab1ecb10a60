"""Parse HTML once into an lxml tree that every extraction layer shares.

Decoding happens here so that the layers never see bytes: a caller that knows
the charset (Scrapy's response, the benchmark) passes it; otherwise the BOM or
the page's own declaration decides, with UTF-8 as the fallback. The tree is
re-encoded as UTF-8 before lxml sees it because lxml refuses text that still
carries an XML encoding declaration, and a decoding step here means a page
with a lying `<meta charset>` cannot make lxml decode it a second time.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement, HTMLParser  # type: ignore[import-untyped, unused-ignore]
from w3lib.encoding import html_to_unicode

_PARSER = HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    default_doctype=False,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def decode(html: str | bytes, encoding: str | None = None) -> str:
    """Return the page as text, never raising on unknown or wrong charsets."""
    if isinstance(html, str):
        return html
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = None
    if encoding:
        return html.decode(encoding, errors="replace")
    return html_to_unicode(None, html)[1]


def parse_html(html: str | bytes, encoding: str | None = None) -> HtmlElement | None:
    """Return the document's root element, or None when nothing parseable is left."""
    text = _CONTROL.sub("", decode(html, encoding))
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root, HtmlElement):
        return None
    return root


def norm_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    if not text:
        return ""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def text_of(el: HtmlElement) -> str:
    """Whitespace-normalised text content of an element."""
    try:
        return norm_space(el.text_content())
    except ValueError:
        return ""


def class_id(el: HtmlElement) -> str:
    """The element's class and id attributes as one lowercase string."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()
