"""Hostile pages for the sample site: what the open web serves a crawler on a bad day.

`add_hostile_pages(site)` adds a listing page at `HOSTILE_LISTING` that links
every trap below, plus the traps themselves: truncated, binary and oversized
pages, wrong and missing charsets, a listing with 10,000 links, a redirect
loop, a page slower than any sane timeout, 500s, a gzip bomb, malformed and
enormous JSON-LD, impossible dates and a 100 KB title. Tests crawl it and
check that each page is stored or counted with a reason.
"""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass
from functools import cache

from aggregator.demo.site import HTML, NewsSite, Response

HOSTILE_LISTING = "/category/hostile/"
SLOW_SECONDS = 4.0


@dataclass(frozen=True)
class Trap:
    """One hostile page: its path and what a crawl should make of it."""

    path: str
    expect: str
    """`stored` (an article, perhaps partial, comes out of it) or `counted` (a counted failure)."""


def article_html(title: str, body: str, *, head: str = "", charset: str = "utf-8") -> str:
    paragraphs = "".join(
        f"<p>{sentence} This paragraph is long enough to be article text.</p>"
        for sentence in body.split(". ")
        if sentence
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
        f"{head}</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


@cache
def gzip_bomb(megabytes: int = 64) -> bytes:
    """A small gzip body that inflates to `megabytes` of zeros."""
    return gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)


def _slow(_target: str) -> Response:
    time.sleep(SLOW_SECONDS)
    return Response(
        200, article_html("Too slow", "Nobody waits for this. It never arrives").encode()
    )


def prose(topic: str) -> str:
    """A distinct body per page, so that no two traps are duplicates of each other."""
    return (
        f"The council met on Tuesday to discuss {topic}. It decided nothing about {topic} at all. "
        f"The next meeting on {topic} is in May"
    )


# Article pages whose content is the trap: (path, title, topic of the body, extra <head>).
_CONTENT_TRAPS = (
    ("/hostile/broken-jsonld/", "Broken structured data", "broken data",
     '<script type="application/ld+json">{"@type": "NewsArticle", "headline": ,,}</script>'),
    ("/hostile/huge-jsonld/", "Enormous structured data", "huge data",
     # Under a 1 MB download limit, but far beyond any real article's structured data.
     '<script type="application/ld+json">'
     + json.dumps({"@type": "NewsArticle", "headline": "Huge", "articleBody": "x " * 350_000})
     + "</script>"),
    ("/hostile/ancient-date/", "Ninety-nine years ago", "history",
     '<meta property="article:published_time" content="99 years ago">'),
    ("/hostile/far-future/", "Dated in the year 9999", "the future",
     '<meta property="article:published_time" content="9999-12-31T23:59:59Z">'),
    ("/hostile/huge-title/", "Title " * 17_000, "long titles", ""),
)  # fmt: skip


def _transport_traps() -> dict[str, Response]:
    """Pages whose bytes, headers or status are the trap."""
    latin1 = article_html(
        "Caf\u00e9 society returns to the old town", prose("caf\u00e9s") + ". Caf\u00e9s reopen"
    )
    undeclared = article_html(
        "Cr\u00e8me br\u00fbl\u00e9e at the night market", prose("desserts") + ". Cr\u00e8me"
    )
    page = article_html("A page", prose("size")).encode()
    return {
        "/hostile/truncated/": Response(200, page[:400]),
        "/hostile/binary/": Response(200, bytes(range(256)) * 400),
        "/hostile/oversized/": Response(200, page + b" " * (3 * 1024 * 1024)),
        "/hostile/wrong-charset/": Response(
            200, latin1.encode("latin-1"), {"Content-Type": "text/html; charset=utf-8"}
        ),
        "/hostile/no-charset/": Response(
            200,
            undeclared.replace('<meta charset="utf-8">', "").encode("utf-8"),
            {"Content-Type": "text/html"},
        ),
        "/hostile/loop-a/": Response(302, headers={"Location": "/hostile/loop-b/"}),
        "/hostile/loop-b/": Response(302, headers={"Location": "/hostile/loop-a/"}),
        "/hostile/error/": Response(500, b"<html><body>Internal Server Error</body></html>"),
        "/hostile/gzip-bomb/": Response(
            200, gzip_bomb(), {"Content-Type": HTML, "Content-Encoding": "gzip"}
        ),
    }


def _pages() -> dict[str, Response]:
    pages = _transport_traps()
    for path, title, topic, head in _CONTENT_TRAPS:
        pages[path] = Response(200, article_html(title, prose(topic), head=head).encode())
    return pages


TRAPS = (
    Trap("/hostile/truncated/", "stored"),
    Trap("/hostile/binary/", "counted"),
    Trap("/hostile/oversized/", "counted"),
    Trap("/hostile/wrong-charset/", "stored"),
    Trap("/hostile/no-charset/", "stored"),
    Trap("/hostile/loop-a/", "counted"),
    Trap("/hostile/slow/", "counted"),
    Trap("/hostile/error/", "counted"),
    Trap("/hostile/gzip-bomb/", "counted"),
    Trap("/hostile/broken-jsonld/", "stored"),
    Trap("/hostile/huge-jsonld/", "stored"),
    Trap("/hostile/ancient-date/", "stored"),
    Trap("/hostile/far-future/", "stored"),
    Trap("/hostile/huge-title/", "stored"),
)


def _many_links(count: int) -> Response:
    teasers = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="/2024/07/01/archived-story-{n}/">'
        f"Archived story number {n} from the council meeting</a></h2></article>"
        for n in range(count)
    )
    return Response(200, f"<html><body><main>{teasers}</main></body></html>".encode())


def _listing() -> Response:
    teasers = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="{trap.path}">'
        f"Hostile page {trap.path.strip('/').split('/')[-1]} in the news</a></h2></article>"
        for trap in TRAPS
    )
    more = '<a class="next page-numbers" href="/category/hostile/page/2/">Next</a>'
    return Response(200, f"<html><body><main>{teasers}{more}</main></body></html>".encode())


def add_hostile_pages(site: NewsSite, *, links: int = 10_000) -> None:
    """Serve the hostile listing (its page 2 holds `links` links) and every trap."""
    site.add_page(HOSTILE_LISTING, _listing())
    site.add_page("/category/hostile/page/2/", _many_links(links))
    for path, response in _pages().items():
        site.add_page(path, response)
    site.add_page("/hostile/slow/", _slow)
