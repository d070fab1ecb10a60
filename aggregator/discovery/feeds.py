"""RSS and Atom feeds: the article links they announce, with title and raw date.

Two steps, each doing what it is good at. defusedxml first reads the feed
strictly and refuses entity declarations and external references: feedparser
alone strips nested entity declarations (no billion laughs) but keeps flat
ones, so one large entity referenced many times still multiplies, and it
turns an attack into a bozo feed instead of refusing it. feedparser then
reads the entries: it knows RSS 0.9x/1.0/2.0 and Atom, their namespaces
(`dc:date`), and it is lenient with the malformed feeds real sites serve.
A feed the strict reader could not parse is handed to feedparser only when
its prolog declares no entity.

Callers pass the limit `max_bytes` (setting `AGGREGATOR_FEED_MAX_BYTES`).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from aggregator.discovery import Link, Refused, clean_text, prolog_declares_entities


def check_xml(data: bytes, *, forbid_dtd: bool = False) -> bool:
    """Refuse XML attacks; True if the document parsed strictly, False if malformed."""
    try:
        fromstring(data, forbid_dtd=forbid_dtd, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        raise Refused("entities", f"declares entity {exc.name!r}") from None
    except ExternalReferenceForbidden as exc:
        raise Refused("external_reference", f"refers to {exc.sysid!r}") from None
    except DTDForbidden:
        raise Refused("doctype", "a document type declaration") from None
    except ParseError:
        if prolog_declares_entities(data):
            raise Refused("entities", "malformed, with entity declarations") from None
        return False
    return True


def _link(entry: Any, base: str) -> str | None:
    href = entry.get("link")
    if not isinstance(href, str) or not href.strip():
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def parse_feed(data: bytes, url: str, *, max_bytes: int) -> list[Link]:
    """The article links of an RSS/Atom document fetched from `url`, in feed order.

    Raises `Refused` with reason `too_large`, `entities`, `external_reference`,
    `malformed` (not readable even leniently) or `not_a_feed`.
    """
    if len(data) > max_bytes:
        raise Refused("too_large", f"{len(data)} bytes > {max_bytes}")
    strict = check_xml(data)
    parsed = feedparser.parse(
        BytesIO(data),
        response_headers={"content-location": url},
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    if not parsed.get("version") and not parsed.entries:
        raise Refused("not_a_feed" if strict else "malformed", "no RSS or Atom entries")
    links: list[Link] = []
    for entry in parsed.entries:
        href = _link(entry, url)
        if href is None:
            continue
        # dict.get: feedparser's own get() maps a missing `updated` to `published`.
        published = dict.get(entry, "published") or dict.get(entry, "updated")
        updated = dict.get(entry, "updated")
        links.append(
            Link(
                url=href,
                title=clean_text(entry.get("title")),
                published_raw=published.strip() if isinstance(published, str) else None,
                lastmod=updated.strip() if isinstance(updated, str) else None,
                news=True,
            )
        )
    first: dict[str, Link] = {}
    for link in links:
        first.setdefault(link.url, link)
    return list(first.values())
