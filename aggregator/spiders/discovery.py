"""The spider's discovery beyond listing pages: feeds, news sitemaps, rendered requests.

`DiscoveryMixin` is mixed into `NewsSpider`. It requests the site's configured
`feeds` and `sitemaps`, or discovers them: feeds from listing pages'
`<link rel="alternate">` (or one probe of `/feed/` per site when a listing page
names none), sitemaps from robots.txt's `Sitemap:` lines. Every entry becomes
an article request through the spider's own `article_request`, carrying a
`ListingEntry` with `source` `feed` or `sitemap` and the raw date text, so the
dates pipeline sets `published_source` to it. Such a precise teaser also wins
over a listing teaser ("29 mins ago") for the same URL (`preferred_entry`).

Request meta set here, for other components:
`aggregator_lastmod` - on article requests from sitemaps (`<lastmod>`) and
feeds (`updated`): the raw W3C/RFC 822 date text exactly as written, never
parsed here; read it with `aggregator.dates.parse_date(raw, now=...)`.

Settings: `AGGREGATOR_DISCOVER_FEEDS`, `AGGREGATOR_DISCOVER_SITEMAPS`,
`AGGREGATOR_FEED_MAX_BYTES`, `AGGREGATOR_SITEMAP_MAX_BYTES`,
`AGGREGATOR_SITEMAP_MAX_URLS`, `AGGREGATOR_SITEMAP_MAX_DEPTH`,
`AGGREGATOR_SITEMAP_NEWS_ONLY`.
Stats (`<kind>` is `feeds` or `sitemaps`): `aggregator/<kind>/requested`,
`…/parsed`, `…/entries`, `…/refused/<reason>`, `…/failed/<error>`,
`…/not_found`, `…/offsite`; `aggregator/sitemaps/indexes`,
`…/not_news`, `…/over_limit`; `aggregator/render/failed`,
`aggregator/render/http_status/<status>`, `aggregator/render/ignored/<reason>`;
rendered requests that fail are also counted as the spider's own errback counts
them: `aggregator/spider/failed/<kind>/<reason>` and, for HTTP errors,
`httperror/response_ignored_count` and `…/response_ignored_status_count/<status>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from aggregator.discovery import Link, Refused
from aggregator.discovery.feeds import parse_feed
from aggregator.discovery.sitemaps import parse_sitemap
from aggregator.items import ListingEntry
from aggregator.spiders.failures import failure_reason
from aggregator.spiders.rendering import render_meta, renders

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from aggregator.sites import Site

#: Statuses that mean "this site has no such feed or robots.txt": counted, not logged as errors.
ABSENT = (404, 410)
#: Discovery requests go before listing pages, so their precise teasers are met first.
DISCOVERY_PRIORITY = 10
#: Articles announced by feeds and sitemaps go before those from listing pages.
ANNOUNCED_PRIORITY = 5


@dataclass(slots=True)
class _State:
    feeds_seen: set[str] = field(default_factory=set)
    """Feed URLs already requested (listing pages repeat their feed links)."""
    feed_probed: bool = False
    """Whether /feed/ was tried; once per site."""
    announced: dict[str, ListingEntry] = field(default_factory=dict)
    """Dated teasers from feeds and sitemaps, by article URL."""


class DiscoveryMixin:
    """Feeds and sitemaps for `NewsSpider`; needs `site`, `crawler`, `article_request`,
    `request_failed`."""

    if TYPE_CHECKING:
        site: Site
        crawler: Crawler
        logger: Any

        def article_request(self, entry: ListingEntry) -> Request: ...

        def request_failed(self, failure: Failure) -> None: ...

    @property
    def _state(self) -> _State:
        # Created on first use: the mixin has no __init__ of its own to chain.
        state = self.__dict__.get("_discovery_state")
        if state is None:
            state = self.__dict__["_discovery_state"] = _State()
        assert isinstance(state, _State)
        return state

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None and count:
            self.crawler.stats.inc_value(f"aggregator/{key}", count)

    def _allowed(self, url: str, kind: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        domains = (domain.lower() for domain in self.site.allowed_domains)
        if any(host == d or host.endswith(f".{d}") for d in domains):
            return True
        self._count(f"{kind}/offsite")
        return False

    def _discovery_request(self, url: str, kind: str, callback: Any, **kwargs: Any) -> Request:
        self._count(f"{kind}/requested")
        return Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            cb_kwargs=kwargs,
            meta={"handle_httpstatus_list": list(ABSENT), "aggregator_discovery": kind},
            priority=DISCOVERY_PRIORITY,
        )

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
                yield self._discovery_request(url, "sitemaps", self.parse_sitemap, depth=1)
        if not self.site.sitemaps:
            for start in dict.fromkeys(urljoin(url, "/robots.txt") for url in self.site.start_urls):
                yield self._discovery_request(start, "sitemaps", self.parse_robots)

    def _feed_request(self, url: str) -> Iterator[Request]:
        if url not in self._state.feeds_seen and self._allowed(url, "feeds"):
            self._state.feeds_seen.add(url)
            yield self._discovery_request(url, "feeds", self.parse_feed)

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
                yield self._discovery_request(url, "sitemaps", self.parse_sitemap, depth=1)

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
                yield self._discovery_request(
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
            request = self.article_request(entry)
            request.meta["aggregator_lastmod"] = link.lastmod
            request.priority += ANNOUNCED_PRIORITY
            yield request

    def discovery_failed(self, failure: Failure) -> None:
        """Errback of feed, sitemap and robots.txt requests: count, never crash."""
        request = getattr(failure, "request", None)
        kind = request.meta.get("aggregator_discovery", "feeds") if request else "feeds"
        if isinstance(failure.value, HttpError):
            name = str(failure.value.response.status)
        else:
            name = failure.type.__name__ if failure.type else "error"
        self._count(f"{kind}/failed/{name}")
        self.logger.warning("Could not read %s %s: %s", kind[:-1], request, failure.value)

    # --- teasers and rendering ---------------------------------------------------------
    def preferred_entry(self, entry: ListingEntry | None) -> ListingEntry | None:
        """A feed's or sitemap's dated teaser for the same URL beats a listing teaser."""
        if entry is None or entry.source != "listing":
            return entry
        return self._state.announced.get(entry.url, entry)

    def render_kwargs(self, kind: str) -> dict[str, Any]:
        """Request keyword arguments that render a `kind` page (`listing`/`article`), or {}."""
        if not renders(self.site, kind):
            return {}
        meta = render_meta(self.site, self.crawler.settings)
        return {"meta": meta, "errback": self.render_failed}

    def render_failed(self, failure: Failure) -> None:
        """Errback of rendered requests: counted as the spider's errback counts, and apart.

        An HTTP error status (a rendered 403 or 404) is the page's answer, and a
        request refused before any browser ran (robots.txt, offsite, too large)
        never reached one: neither is a failed render. Both go through the
        spider's own errback, so the error counters the health checks read see a
        rendered refusal as they see a plain one, and get a render counter too.
        """
        request = getattr(failure, "request", None)
        reason = failure_reason(failure)
        if reason is None:
            return  # a deliberate skip (an article already stored), counted where it was made
        if isinstance(failure.value, HttpError):
            self._count(f"render/http_status/{failure.value.response.status}")
            self.request_failed(failure)
            return
        # HttpError is an IgnoreRequest too: it is handled above.
        if isinstance(failure.value, IgnoreRequest):
            self._count(f"render/ignored/{reason}")
            self.request_failed(failure)
            return
        kind = request.meta.get("aggregator_kind", "page") if request is not None else "page"
        self._count(f"spider/failed/{kind}/{reason}")
        self._count("render/failed")
        self.logger.error("Rendering failed for %s: %r", request, failure.value)
