"""The records that travel from spiders through pipelines to the store.

`ListingEntry` is what a listing page, feed or news sitemap says about an
article before it is fetched; `ArticleItem` is one article page, first with the
raw text extraction found (`*_raw` fields), then, after the pipelines, with
normalised values beside it (`published_at` next to `published_raw`).

Every datetime here is timezone-aware UTC; every raw field keeps the page's own
text untouched so that a later fix to the parser can re-read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Where a date (or another value) came from; the values of `published_source`.
DATE_SOURCES = ("jsonld", "meta", "time", "listing", "feed", "sitemap", "url", "text")

#: How precise a parsed date is; the values of `published_precision`.
PRECISIONS = ("second", "minute", "hour", "day", "month", "year")


@dataclass(slots=True)
class ListingEntry:
    """One article link found on a listing page, feed or news sitemap."""

    url: str
    """Absolute URL of the article as linked (not yet canonical)."""
    title: str | None = None
    """Teaser headline text, whitespace-normalised, or None."""
    published_raw: str | None = None
    """Teaser date text exactly as shown ("23 mins ago", an RFC 2822 pubDate), or None."""
    source: str = "listing"
    """Where the entry came from: `listing`, `feed` or `sitemap`."""
    summary: str | None = None
    """Teaser text, or None."""
    image_url: str | None = None
    """Absolute URL of the teaser image, or None."""


@dataclass(slots=True)
class ArticleItem:
    """One article: raw extraction first, normalised fields filled by pipelines."""

    url: str
    """URL of the response the article was read from (after redirects)."""
    canonical_url: str | None = None
    """The page's declared canonical URL (rel=canonical or og:url), absolute, or None."""
    site: str = ""
    """Site name (the spider's name, snake_case); `articles.site`."""
    title: str | None = None
    """Headline, whitespace-normalised, without a " | Site" suffix."""
    body: str | None = None
    """Main text: paragraphs separated by one blank line, no boilerplate."""
    summary: str | None = None
    """Standfirst or meta description, or None."""
    authors: list[str] = field(default_factory=list)
    """Names of people who wrote the article; never "Admin" or "By"."""
    published_raw: str | None = None
    """Publication date text as found on the article page, or None."""
    published_source: str | None = None
    """Where `published_raw` came from: one of `DATE_SOURCES`."""
    modified_raw: str | None = None
    """Last-modified date text as found on the page, or None."""
    modified_source: str | None = None
    """Where `modified_raw` came from: one of `DATE_SOURCES`."""
    language: str | None = None
    """ISO 639-1 code of the article's language, or None."""
    image_url: str | None = None
    """Absolute URL of the lead image, or None."""
    category: str | None = None
    """Section or category label ("News", "Politics"), or None."""
    tags: list[str] = field(default_factory=list)
    """Keywords or tags, in page order, without duplicates."""
    sources: dict[str, str] = field(default_factory=dict)
    """For each extracted field name, the layer that supplied it (`selectors`,
    `jsonld`, `meta`, `time`, `microdata`, `text`, `title`, `url`; for the body
    also `trafilatura`, the safety net's second strategy), and under
    `body_fallback` why the body safety net ran (`empty`, `short`, `long`)."""

    teaser_title: str | None = None
    """Headline from the listing entry that led here, or None."""
    teaser_published_raw: str | None = None
    """Date text from the listing entry that led here ("29 mins ago"), or None."""
    teaser_source: str | None = None
    """Where the teaser came from: `listing`, `feed` or `sitemap`."""
    url_forms: list[str] = field(default_factory=list)
    """Every URL under which this article was met (link, request, response,
    canonical), so the store can record them all in `article_urls`."""
    fetched_at: datetime | None = None
    """When the response arrived (aware UTC); the base for relative dates."""

    published_at: datetime | None = None
    """Publication time in UTC, filled by the dates pipeline, or None."""
    published_precision: str | None = None
    """Precision of `published_at`: one of `PRECISIONS`."""
    modified_at: datetime | None = None
    """Last modification time in UTC, or None."""
    content_hash: str | None = None
    """Hex digest of the normalised body, filled by the clean pipeline."""
