"""Pure discovery: article links from RSS/Atom feeds and (news) sitemaps.

Bytes in, links out: no Scrapy engine, no database. `feeds.parse_feed` and
`sitemaps.parse_sitemap` return `Link`s, or raise `Refused` with a short
reason word that the spider counts (`aggregator/feeds/refused/<reason>`,
`aggregator/sitemaps/refused/<reason>`). XML is parsed through defusedxml,
which refuses entity declarations (billion laughs, quadratic blow-up) and
external references (XXE) before anything is expanded or fetched.
See docs/discovery.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.items import ListingEntry


class Refused(ValueError):
    """A feed or sitemap that is not read at all; `reason` names why, for the stats."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Link:
    """One article link announced by a feed or a sitemap, with its raw texts."""

    url: str
    """Absolute URL of the article (not yet canonical)."""
    title: str | None = None
    """The feed entry's title or `news:title`, whitespace-normalised, or None."""
    published_raw: str | None = None
    """`pubDate`, `published`/`updated` or `news:publication_date`, exactly as written."""
    lastmod: str | None = None
    """`<lastmod>` or a feed entry's `updated`, exactly as written, or None."""
    news: bool = False
    """True for a sitemap `<url>` carrying `<news:news>` (and for every feed entry)."""

    def entry(self, source: str) -> ListingEntry:
        """The teaser that travels with the article request (`source`: feed or sitemap)."""
        return ListingEntry(
            url=self.url, title=self.title, published_raw=self.published_raw, source=source
        )


def clean_text(value: object) -> str | None:
    """Whitespace-normalised text, or None when empty or not text."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def prolog_declares_entities(data: bytes) -> bool:
    """Whether the bytes before the first element declare an entity (`<!ENTITY`)."""
    first = _FIRST_ELEMENT.search(data)
    head = data[: first.start()] if first else data
    return b"<!entity" in head.lower()


__all__ = ["Link", "Refused", "clean_text", "prolog_declares_entities"]
