"""Every request the news spider makes, and the names of the request meta keys.

One `RequestBuilder` per spider builds listing, article and discovery (feed,
sitemap, robots.txt) requests: the callback, the one errback, the priority,
the rendering meta of sites that render, and the meta keys below. Other
components (the middlewares, the errback) read those keys through these
constants, never as bare strings.

Every URL goes through `aggregator.urls.request_url` first: credentials are
stripped (they must never reach the site, and Scrapy's robots.txt middleware
fails on them), and a URL that can never be requested (a port out of range,
a broken IPv6 host, another scheme) gives no request and is counted, so one
bad link costs only itself.

Stats: `aggregator/spider/invalid_link/<reason>` (a URL dropped here or at
link extraction; reasons in `aggregator.urls.link_problem`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from aggregator.items import ListingEntry
from aggregator.sites import Site
from aggregator.spiders.rendering import render_meta, renders
from aggregator.urls import request_url

#: Meta: what a request fetches, `LISTING` or `ARTICLE` (read by the middlewares).
KIND = "aggregator_kind"
LISTING = "listing"
ARTICLE = "article"
#: Meta: the start URL of the pagination chain a listing page belongs to.
CHAIN = "aggregator_chain"
#: Meta: how many pages deep in its chain a listing page is (its start page is 1).
DEPTH = "aggregator_depth"
#: Response meta set by the spider on a listing page it read: the next page's URL it
#: found, or None at the end of the listing (read by the pagination middleware).
NEXT_PAGE = "aggregator_next_page"
#: Meta: the raw `<lastmod>`/`updated` text of a sitemap or feed entry, never parsed here;
#: read it with `aggregator.dates.parse_date(raw, now=...)`.
LASTMOD = "aggregator_lastmod"
#: Meta: on discovery requests, `feeds` or `sitemaps`.
DISCOVERY = "aggregator_discovery"
#: Meta set by scrapy-playwright's users: the request goes through the browser.
RENDERED = "playwright"

#: Scheduler priority of article requests; listing pages have 0. Articles before more
#: listing pages: the queue then holds one listing page's links at a time instead of
#: the whole site's (measured: 488 MB at 50,000 articles).
ARTICLE_PRIORITY = 10
#: Discovery requests go before listing pages, so their precise teasers are met first.
DISCOVERY_PRIORITY = 10
#: Articles announced by feeds and sitemaps go before those from listing pages.
ANNOUNCED_PRIORITY = 5
#: Statuses that mean "this site has no such feed or robots.txt": counted, not errors.
ABSENT = (404, 410)

Callback = Callable[..., Any]


class RequestBuilder:
    """Builds the spider's requests; returns None (counted) for a URL that cannot work."""

    def __init__(
        self,
        crawler: Crawler,
        site: Site,
        *,
        parse_listing: Callback,
        parse_article: Callback,
        errback: Callback,
    ) -> None:
        self.crawler = crawler
        self.site = site
        self.parse_listing = parse_listing
        self.parse_article = parse_article
        self.errback = errback

    def _url(self, url: str) -> str | None:
        cleaned, problem = request_url(url)
        if problem is not None:
            count_invalid(self.crawler, problem)
        return cleaned

    def _render(self, kind: str) -> dict[str, Any]:
        if not renders(self.site, kind):
            return {}
        return render_meta(self.site, self.crawler.settings)

    def listing(self, url: str, *, depth: int, chain: str | None = None) -> Request | None:
        """A listing page `depth` pages deep in the chain that started at `chain`
        (the start URL; default: `url` itself, a start page)."""
        cleaned = self._url(url)
        if cleaned is None:
            return None
        meta = {**self._render(LISTING), KIND: LISTING, CHAIN: chain or cleaned, DEPTH: depth}
        return Request(
            cleaned,
            callback=self.parse_listing,
            errback=self.errback,
            cb_kwargs={"depth": depth},
            meta=meta,
        )

    def article(self, entry: ListingEntry, *, lastmod: str | None = None) -> Request | None:
        """The article an entry links to, carrying the entry (and a feed's or sitemap's date)."""
        cleaned = self._url(entry.url)
        if cleaned is None:
            return None
        if cleaned != entry.url:
            entry = replace(entry, url=cleaned)
        meta: dict[str, Any] = {**self._render(ARTICLE), KIND: ARTICLE}
        priority = ARTICLE_PRIORITY
        if entry.source != "listing":
            meta[LASTMOD] = lastmod
            priority += ANNOUNCED_PRIORITY
        return Request(
            cleaned,
            callback=self.parse_article,
            errback=self.errback,
            cb_kwargs={"entry": entry},
            meta=meta,
            priority=priority,
        )

    def discovery(self, url: str, kind: str, callback: Callback, **kwargs: Any) -> Request | None:
        """A feed, sitemap or robots.txt request (`kind`: `feeds` or `sitemaps`)."""
        cleaned = self._url(url)
        if cleaned is None:
            return None
        return Request(
            cleaned,
            callback=callback,
            errback=self.errback,
            cb_kwargs=kwargs,
            meta={"handle_httpstatus_list": list(ABSENT), DISCOVERY: kind},
            priority=DISCOVERY_PRIORITY,
        )


def count_invalid(crawler: Crawler, reason: str, count: int = 1) -> None:
    """Count `count` links dropped because they can never be requested."""
    if crawler.stats is not None and count:
        crawler.stats.inc_value(f"aggregator/spider/invalid_link/{reason}", count)
