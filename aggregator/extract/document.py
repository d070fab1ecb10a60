"""Parse HTML once into an lxml tree that every extraction layer shares.

Decoding happens here so that the layers never see bytes: a caller that knows
the charset (Scrapy's response, the benchmark) passes it; otherwise the BOM or
the page's own declaration decides, with UTF-8 as the fallback. lxml is given
UTF-8 bytes with an explicit encoding because it refuses text that still
carries an XML encoding declaration, and so that a page with a lying
`<meta charset>` cannot make lxml decode it a second time; bytes that already
are valid UTF-8 are passed on as they are.

Also the small shared helpers of the layers: whitespace normalising, the
body and its headlines, and `by_class_or_id`, which selects elements by class
or id value without an XPath predicate on every element (see
docs/extraction.md, Performance). No settings, no stats.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
)
from w3lib.encoding import html_to_unicode

_PARSER = HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    default_doctype=False,
    collect_ids=False,  # nothing looks elements up with id(): saves hashing every id
)
# lxml.html's own lookup picks a class per tag in Python for every element the
# layers touch; one class for all (none of FormElement's extras are used) is C.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


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
        text = html.decode(encoding, errors="replace")
        if _is_utf8(encoding) and _mislabelled_single_byte(html, text):
            return html.decode("cp1252", errors="replace")
        return text
    return html_to_unicode(None, html)[1]


def _mislabelled_single_byte(data: bytes, text: str) -> bool:
    """Whether bytes said to be UTF-8 are really a single-byte page (Windows-1252).

    Servers often send `charset=utf-8` for old Latin-1 pages. In such a page
    every accented letter is an invalid UTF-8 sequence and hardly any valid
    multi-byte one occurs, while a real UTF-8 page with a stray bad byte has
    many valid ones: compare the two counts. (WHATWG reads Latin-1 labels as
    Windows-1252 too.)
    """
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if invalid <= 0:
        return False
    valid = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    return valid < invalid


def _utf8(html: str | bytes, encoding: str | None) -> tuple[bytes, str]:
    """The page as UTF-8 bytes without control characters (which stop lxml), and as text.

    Control characters are single bytes in UTF-8 that never occur inside a
    multi-byte sequence, so deleting them from the bytes equals deleting them
    from the text; a page that already is valid UTF-8 is not re-encoded.
    """
    text: str | None = None
    if isinstance(html, bytes) and _is_utf8(encoding):
        try:
            text, data = html.decode("utf-8"), html
        except UnicodeDecodeError:
            text = None
    if text is None:
        text = decode(html, encoding)
        data = text.encode("utf-8", errors="replace")
    data = data.translate(None, _CONTROL_BYTES)
    if "\ufffe" in text or "\uffff" in text:
        data = data.replace(b"\xef\xbf\xbe", b"").replace(b"\xef\xbf\xbf", b"")
    return data, text


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def parse_html(html: str | bytes, encoding: str | None = None) -> HtmlElement | None:
    """Return the document's root element, or None when nothing parseable is left."""
    data, text = _utf8(html, encoding)
    if not data or text.isspace():
        return None
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root, HtmlElement):
        return None
    return root


_CLASS_VALUES = etree.XPath("//body//*/@class", smart_strings=False)
_ID_VALUES = etree.XPath("//body//*/@id", smart_strings=False)
_CLASSED_AT = etree.XPath("(//body//*/@class)[$n]/..")


def class_values(root: HtmlElement) -> list[str]:
    """Class attribute values of the elements under `<body>`, in page order."""
    return list(_CLASS_VALUES(root))


def id_values(root: HtmlElement) -> list[str]:
    """Id attribute values of the elements under `<body>`, in page order."""
    return list(_ID_VALUES(root))


def classed_at(root: HtmlElement, position: int) -> HtmlElement:
    """The element of the `position`-th (from 1) value of `class_values`."""
    return _CLASSED_AT(root, n=position)[0]


#: More distinct values than this make one XPath term each too slow: callers scan.
MAX_VALUES = 12


def by_class_or_id(
    root: HtmlElement,
    class_test: Callable[[str], bool],
    id_test: Callable[[str], bool],
    *,
    id_needs_class: bool = False,
) -> list[HtmlElement] | None:
    """Elements under `<body>` whose class or id value passes a test, in page order.

    libxml2 tests a predicate on every element slowly, while listing attribute
    values is cheap: the values are tested in Python, once per distinct value, and
    only the elements carrying a wanted value are selected. None when more than
    MAX_VALUES distinct values pass (the caller then scans).
    """
    classes = sorted(v for v in set(class_values(root)) if class_test(v))
    ids = sorted(v for v in set(id_values(root)) if id_test(v))
    if len(classes) + len(ids) > MAX_VALUES:
        return None
    if not classes and not ids:
        return []
    names = {f"c{i}": v for i, v in enumerate(classes)} | {f"i{i}": v for i, v in enumerate(ids)}
    paths = []
    if classes:
        tests = " or ".join(f". = $c{i}" for i in range(len(classes)))
        paths.append(f"//body//*/@class[{tests}]/..")
    if ids:
        tests = " or ".join(f". = $i{i}" for i in range(len(ids)))
        paths.append(f"//body//*/@id[{tests}]/" + ("parent::*[@class]" if id_needs_class else ".."))
    return list(root.xpath(" | ".join(paths), **names))


def body_of(root: HtmlElement) -> HtmlElement | None:
    """The page's `<body>` (the first in page order), or None."""
    if root.tag == "body":
        return root
    # libxml2 makes <body> a child of <html>; iter() would scan the whole tree.
    body = root.find("body")
    return body if body is not None else next(root.iter("body"), None)


def headlines(root: HtmlElement) -> list[HtmlElement]:
    """Every `<h1>` inside `<body>`, in page order."""
    body = body_of(root)
    return [] if body is None else list(body.iter("h1"))


def norm_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    # str.split() breaks on exactly the characters that `\s` matches, \xa0 included.
    return " ".join(text.split()) if text else ""


def text_of(el: HtmlElement) -> str:
    """Whitespace-normalised text content of an element."""
    try:
        return norm_space(el.text_content())
    except ValueError:
        return ""


def class_id(el: HtmlElement) -> str:
    """The element's class and id attributes as one lowercase string."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()
