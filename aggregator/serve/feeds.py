"""Atom and JSON Feed 1.1 of the newest articles: `/feeds/all.*` and `/feeds/{site}.*`.

Entries are the dated articles, newest publication first (an article without a
date has no place in a feed ordered by date; the API has every article).
`published` is the article's true publication time. Where a site gave only a
day, the format cannot say so, so the precision travels in an extension:
`agg:published_precision` in Atom, `_aggregator.published_precision` in
JSON Feed (with the raw text the time was read from). Entry ids are the
articles' canonical URLs, which never change.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from aiohttp import web

from aggregator.serve.app import config, in_thread
from aggregator.serve.jsonview import iso
from aggregator.serve.params import SITE_PATTERN, BadRequest, limit, parse
from aggregator.store import reader
from aggregator.store.reader import Row

ATOM = "http://www.w3.org/2005/Atom"
EXTENSION = "urn:aggregator:feed-extension:1"
JSON_FEED = "https://jsonfeed.org/version/1.1"
FEED_PARAMS = (limit(50, 500),)
ET.register_namespace("", ATOM)
ET.register_namespace("agg", EXTENSION)
routes = web.RouteTableDef()
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(
        parent, f"{{{ATOM}}}{tag}", {name: xml_text(value) for name, value in attrs.items()}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (ElementTree would write them as is)."""
    return _NOT_XML.sub("", text)


def _atom_entry(feed: ET.Element, row: Row) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", row["url"])
    _sub(entry, "title", row["title"])
    _sub(entry, "link", href=row["url"])
    _sub(entry, "published", iso(row["published_at"]))
    _sub(entry, "updated", iso(row["updated_at"]))
    for name in row["authors"] or []:
        _sub(_sub(entry, "author"), "name", name)
    for tag in row["tags"] or []:
        _sub(entry, "category", term=tag)
    if row["summary"]:
        _sub(entry, "summary", row["summary"])
    _sub(entry, "content", row["body"], type="text")
    if row["published_precision"]:
        precision = ET.SubElement(entry, f"{{{EXTENSION}}}published_precision")
        precision.text = row["published_precision"]


def atom(rows: list[Row], *, title: str, self_url: str, home: str) -> bytes:
    """An Atom feed document of `rows`."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", self_url)
    _sub(feed, "title", title)
    newest = max((row["updated_at"] for row in rows), default=None)
    _sub(feed, "updated", iso(newest) or "1970-01-01T00:00:00Z")
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=home)
    _sub(_sub(feed, "author"), "name", "aggregator")
    for row in rows:
        _atom_entry(feed, row)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _json_item(row: Row) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": row["url"],
        "url": row["url"],
        "title": row["title"],
        "content_text": row["body"],
        "date_published": iso(row["published_at"]),
        "date_modified": iso(row["modified_at"] or row["updated_at"]),
        "_aggregator": {
            "article_id": row["id"],
            "site": row["site"],
            "published_precision": row["published_precision"],
            "published_raw": row["published_raw"],
        },
    }
    optional = {
        "summary": row["summary"],
        "image": row["image_url"],
        "language": row["language"],
        "tags": row["tags"] or None,
        "authors": [{"name": name} for name in row["authors"] or []] or None,
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def json_feed(rows: list[Row], *, title: str, self_url: str, home: str) -> dict[str, Any]:
    """A JSON Feed 1.1 document of `rows`."""
    return {
        "version": JSON_FEED,
        "title": title,
        "home_page_url": home,
        "feed_url": self_url,
        "items": [_json_item(row) for row in rows],
    }


async def _rows(request: web.Request, site: str | None) -> list[Row]:
    values = parse(request.query, FEED_PARAMS)
    engine = config(request).engine
    if site is not None and not await in_thread(reader.site_known, engine, site):
        raise web.HTTPNotFound(reason=f"no site named {site!r}")
    return await in_thread(reader.newest_published, engine, limit=values["limit"], site=site)


def _site(request: web.Request) -> str | None:
    name = request.match_info["name"]
    if name == "all":
        return None
    if not _matches_site(name):
        raise BadRequest(f"{name[:40]!r} is not a site name ({SITE_PATTERN})")
    return name


def _matches_site(name: str) -> bool:
    return re.fullmatch(SITE_PATTERN, name) is not None


def _title(site: str | None) -> str:
    return f"aggregator: {site}" if site else "aggregator: all sites"


@routes.get("/feeds/{name}.atom")
async def atom_feed(request: web.Request) -> web.Response:
    site = _site(request)
    rows = await _rows(request, site)
    home = str(request.url.origin()) + "/"
    body = atom(rows, title=_title(site), self_url=str(request.url.with_query(None)), home=home)
    return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")


@routes.get("/feeds/{name}.json")
async def json_feed_route(request: web.Request) -> web.Response:
    site = _site(request)
    rows = await _rows(request, site)
    home = str(request.url.origin()) + "/"
    document = json_feed(
        rows, title=_title(site), self_url=str(request.url.with_query(None)), home=home
    )
    return web.json_response(document, content_type="application/feed+json")
