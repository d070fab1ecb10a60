"""Sitemaps and sitemap indexes, plain or gzipped, with Google News extensions.

A `<urlset>` gives article links: `<loc>`, `<lastmod>`, and from `<news:news>`
the `news:publication_date` and `news:title`. A `<sitemapindex>` gives more
sitemaps to read. Scrapy's own `scrapy.utils.sitemap.Sitemap` keeps only the
direct children of `<url>`, so it loses `news:publication_date` (a grandchild);
this reader streams the document through defusedxml's `iterparse` instead,
which refuses any document type declaration (sitemaps never need one, and it is
where billion-laughs and XXE payloads live). Gzip is inflated only up to the
byte limit, so a small compressed bomb cannot fill memory.

Callers pass the limits `max_bytes` (`AGGREGATOR_SITEMAP_MAX_BYTES`, after
inflation) and `max_urls` (`AGGREGATOR_SITEMAP_MAX_URLS`, per document).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from aggregator.discovery import Link, Refused, clean_text

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(slots=True)
class SitemapDocument:
    """What one sitemap file holds."""

    kind: str
    """`urlset` (article links) or `sitemapindex` (more sitemaps)."""
    links: list[Link] = field(default_factory=list)
    """For a urlset: its `<url>` entries; for an index: its `<sitemap>` entries."""
    over_limit: int = 0
    """Entries past `max_urls`, not returned."""


def inflate(data: bytes, *, max_bytes: int) -> bytes:
    """`data` itself, or gunzipped if it is gzip, refusing more than `max_bytes`."""
    if not data.startswith(GZIP_MAGIC):
        if len(data) > max_bytes:
            raise Refused("too_large", f"{len(data)} bytes > {max_bytes}")
        return data
    try:
        with gzip.GzipFile(fileobj=BytesIO(data)) as stream:
            out = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise Refused("bad_gzip", str(exc)) from None
    if len(out) > max_bytes:
        raise Refused("too_large", f"more than {max_bytes} bytes once inflated")
    return out


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _texts(element: Element) -> dict[str, str]:
    """Local name -> text of the element's direct children."""
    return {
        _local(child.tag): child.text.strip()
        for child in element
        if child.text and child.text.strip()
    }


def _link(element: Element, base: str) -> Link | None:
    texts = _texts(element)
    loc = texts.get("loc")
    if not loc:
        return None
    url = urljoin(base, loc)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    news = next((child for child in element if _local(child.tag) == "news"), None)
    # news:title sits directly in news:news; news:name inside news:publication.
    extra = _texts(news) if news is not None else {}
    return Link(
        url=url,
        title=clean_text(extra.get("title")),
        published_raw=extra.get("publication_date"),
        lastmod=texts.get("lastmod"),
        news=news is not None,
    )


def _events(data: bytes) -> Iterator[tuple[str, Element]]:
    try:
        yield from iterparse(
            BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
    except DTDForbidden:
        raise Refused("doctype", "sitemaps have no document type declaration") from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise Refused("entities", type(exc).__name__) from None
    except ParseError as exc:
        raise Refused("malformed", str(exc)) from None


def parse_sitemap(data: bytes, url: str, *, max_bytes: int, max_urls: int) -> SitemapDocument:
    """Read one sitemap or sitemap index fetched from `url` (gzipped or not).

    Raises `Refused` with reason `too_large`, `bad_gzip`, `doctype`, `entities`,
    `malformed` or `not_a_sitemap`.
    """
    xml = inflate(data, max_bytes=max_bytes)
    document: SitemapDocument | None = None
    root: Element | None = None
    for event, element in _events(xml):
        if root is None:
            root = element
            kind = _local(element.tag)
            if kind not in ("urlset", "sitemapindex"):
                raise Refused("not_a_sitemap", f"root element <{kind}>")
            document = SitemapDocument(kind)
            continue
        if event != "end" or _local(element.tag) not in ("url", "sitemap"):
            continue
        assert document is not None
        if len(document.links) >= max_urls:
            document.over_limit += 1
        elif (link := _link(element, url)) is not None:
            document.links.append(link)
        # Finished entries are dropped so that memory stays flat on large files.
        root.clear()
    if document is None:
        raise Refused("malformed", "empty document")
    return document
