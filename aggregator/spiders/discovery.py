"""The spider's discovery beyond listing pages: feeds and news sitemaps.

`Discovery` is a collaborator of `NewsSpider`, built in its `from_crawler` (as
the article extractor is), holding its own state. It requests the site's
configured `feeds` and `sitemaps`, or discovers them: feeds from listing pages'
`<link rel="alternate">` (or one probe of `/feed/` per site when a listing page
names none), sitemaps from robots.txt's `Sitemap:` lines. Every entry becomes
an article request built by the spider's `RequestBuilder`, carrying a
`ListingEntry` with `source` `feed` or `sitemap` and the raw date text, so the
dates pipeline sets `published_source` to it, and the entry's raw `<lastmod>`
or `updated` text in the `LASTMOD` meta (see `requests.py`). Such a precise
teaser also wins over a listing teaser ("29 mins ago") for the same URL
(`preferred_entry`). Failed discovery requests are counted by the spider's
one errback (`failures.RequestFailures`).

Settings: `AGGREGATOR_DISCOVER_FEEDS`, `AGGREGATOR_DISCOVER_SITEMAPS`,
`AGGREGATOR_FEED_MAX_BYTES`, `AGGREGATOR_SITEMAP_MAX_BYTES`,
`AGGREGATOR_SITEMAP_MAX_URLS`, `AGGREGATOR_SITEMAP_MAX_DEPTH`,
`AGGREGATOR_SITEMAP_NEWS_ONLY`.
Stats (`<kind>` is `feeds` or `sitemaps`): `aggregator/<kind>/requested`,
`…/parsed`, `…/entries`, `…/refused/<reason>`, `…/failed/<error>`,
`…/not_found`, `…/offsite`; `aggregator/sitemaps/indexes`,
`…/not_news`, `…/over_limit`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots

from aggregator.discovery import Link, Refused
from aggregator.discovery.feeds import parse_feed
from aggregator.discovery.sitemaps import parse_sitemap
from aggregator.items import ListingEntry
from aggregator.sites import Site
from aggregator.spiders.requests import ABSENT, RequestBuilder

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _State:
    feeds_seen: set[str] = field(default_factory=set)
    """Feed URLs already requested (listing pages repeat their feed links)."""
    feed_probed: bool = False
    """Whether /feed/ was tried; once per site."""
    announced: dict[str, ListingEntry] = field(default_factory=dict)
    """Dated teasers from feeds and sitemaps, by article URL."""


class Discovery:
    """Feeds and sitemaps of one site's crawl: requests, callbacks and dated teasers."""

    def __init__(
        self,
        crawler: Crawler,
        site: Site,
        requests: RequestBuilder,
        log: logging.Logger | logging.LoggerAdapter[Any] = logger,
    ) -> None:
        self.crawler = crawler
        self.site = site
        self.requests = requests
        self.logger = log
        self._state = _State()

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None and count:
            self.crawler.stats.inc_value(f"aggregator/{key}", count)

    def _allowed(self, url: str, kind: str) -> bool:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""  # unparsable: offsite by definition, never requested
        domains = (domain.lower() for domain in self.site.allowed_domains)
        if any(host == d or host.endswith(f".{d}") for d in domains):
            return True
        self._count(f"{kind}/offsite")
        return False

    def _discovery_request(
        self, url: str, kind: str, callback: Any, **kwargs: Any
    ) -> Iterator[Request]:
        request = self.requests.discovery(url, kind, callback, **kwargs)
        if request is not None:
            self._count(f"{kind}/requested")
            yield request

    # --- where discovery starts -------------------------------------------------
    def discovery_requests(self) -> Iterator[Request]:
        """Configured feeds and sitemaps, or robots.txt to find sitemaps in."""
        if self.crawler.settings.getbool("AGGREGATOR_DISCOVER_FEEDS"):
            for url in self.site.feeds:
                yield from self._feed_request(url)
        if not self.crawler.settings.getbool("AGGREGATOR_DISCOVER_SITEMAPS"):
            return
        for url in self.site.sitemaps:
            if self._allowed(url, "sitemaps"):
                yield from self._discovery_request(url, "sitemaps", self.parse_sitemap, depth=1)
        if not self.site.sitemaps:
            for start in dict.fromkeys(urljoin(url, "/robots.txt") for url in self.site.start_urls):
                yield from self._discovery_request(start, "sitemaps", self.parse_robots)

    def _feed_request(self, url: str) -> Iterator[Request]:
        if url not in self._state.feeds_seen and self._allowed(url, "feeds"):
            self._state.feeds_seen.add(url)
            yield from self._discovery_request(url, "feeds", self.parse_feed)

    def feeds_from_listing(self, feeds: Iterable[str], response: Response) -> Iterator[Request]:
        """Feeds a listing page links; one `/feed/` probe per site if it links none."""
        if self.site.feeds or not self.crawler.settings.getbool("AGGREGATOR_DISCOVER_FEEDS"):
            return
        feeds = list(feeds)
        for url in feeds:
            yield from self._feed_request(url)
        if not feeds and not self._state.feeds_seen and not self._state.feed_probed:
            self._state.feed_probed = True
            yield from self._feed_request(urljoin(response.url, "/feed/"))

    # --- callbacks ---------------------------------------------------------------------
    def _absent(self, response: Response, kind: str) -> bool:
        if response.status in ABSENT:
            self._count(f"{kind}/not_found")
            self.logger.debug("No %s at %s (%s)", kind, response.url, response.status)
            return True
        return False

    def _refused(self, kind: str, url: str, refusal: Refused) -> None:
        self._count(f"{kind}/refused/{refusal.reason}")
        self.logger.warning("Refused %s %s: %s", kind[:-1], url, refusal)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Sitemaps named by robots.txt."""
        if self._absent(response, "sitemaps"):
            return
        for url in dict.fromkeys(sitemap_urls_from_robots(response.body, base_url=response.url)):
            if self._allowed(url, "sitemaps"):
                yield from self._discovery_request(url, "sitemaps", self.parse_sitemap, depth=1)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Article requests for the entries of an RSS/Atom feed."""
        if self._absent(response, "feeds"):
            return
        max_bytes = self.crawler.settings.getint("AGGREGATOR_FEED_MAX_BYTES")
        try:
            links = parse_feed(response.body, response.url, max_bytes=max_bytes)
        except Refused as refusal:
            self._refused("feeds", response.url, refusal)
            return
        self._count("feeds/parsed")
        yield from self._announce(links, "feed")

    def parse_sitemap(self, response: Response, depth: int = 1) -> Iterator[Request]:
        """Article requests from a sitemap, or more sitemaps from an index."""
        if self._absent(response, "sitemaps"):
            return
        settings = self.crawler.settings
        try:
            document = parse_sitemap(
                response.body,
                response.url,
                max_bytes=settings.getint("AGGREGATOR_SITEMAP_MAX_BYTES"),
                max_urls=settings.getint("AGGREGATOR_SITEMAP_MAX_URLS"),
            )
        except Refused as refusal:
            self._refused("sitemaps", response.url, refusal)
            return
        self._count("sitemaps/parsed")
        self._count("sitemaps/over_limit", document.over_limit)
        if document.kind == "sitemapindex":
            self._count("sitemaps/indexes")
            yield from self._follow_index(document.links, response.url, depth)
            return
        links = document.links
        if settings.getbool("AGGREGATOR_SITEMAP_NEWS_ONLY"):
            self._count("sitemaps/not_news", sum(not link.news for link in links))
            links = [link for link in links if link.news]
        yield from self._announce(links, "sitemap")

    def _follow_index(self, links: list[Link], url: str, depth: int) -> Iterator[Request]:
        if depth >= self.crawler.settings.getint("AGGREGATOR_SITEMAP_MAX_DEPTH"):
            self._refused("sitemaps", url, Refused("too_deep", f"an index at depth {depth}"))
            return
        for link in links:
            if self._allowed(link.url, "sitemaps"):
                yield from self._discovery_request(
                    link.url, "sitemaps", self.parse_sitemap, depth=depth + 1
                )

    def _announce(self, links: list[Link], source: str) -> Iterator[Request]:
        kind = "feeds" if source == "feed" else "sitemaps"
        for link in links:
            if not self._allowed(link.url, kind):
                continue
            self._count(f"{kind}/entries")
            entry = link.entry(source)
            if entry.published_raw:
                self._state.announced.setdefault(link.url, entry)
            request = self.requests.article(entry, lastmod=link.lastmod)
            if request is not None:
                yield request

    # --- teasers ----------------------------------------------------------------------
    def preferred_entry(self, entry: ListingEntry | None) -> ListingEntry | None:
        """A feed's or sitemap's dated teaser for the same URL beats a listing teaser."""
        if entry is None or entry.source != "listing":
            return entry
        return self._state.announced.get(entry.url, entry)
