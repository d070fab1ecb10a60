"""The generic news spider: listing pages, their pagination, and the articles they link.

`scrapy crawl news -a url=<listing URL>` crawls any site with no configuration;
every `sites/*.toml` becomes a subclass bound to its `Site` (see `loader.py`).
The spider only navigates: extraction is `aggregator.extract`, dates and
storage are pipelines. It stamps each article with `fetched_at` and carries
the listing teaser (title, raw date) to the article it leads to.

Settings: `AGGREGATOR_CLOCK`, `AGGREGATOR_MAX_LINKS_PER_LISTING`,
`AGGREGATOR_EXTRACT_WORKERS` (see `extraction.py`).
Stats: `aggregator/spider/listing_pages`, `aggregator/spider/listing_without_links`,
`aggregator/spider/links_capped`, `aggregator/spider/articles`,
`aggregator/spider/not_article`, `aggregator/spider/not_html`,
`aggregator/spider/failed/<kind>/<reason>` (see `failures.py`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from aggregator.clock import Clock, get_clock, utcnow
from aggregator.extract import extract_listing
from aggregator.items import ArticleItem, ListingEntry
from aggregator.sites import Site, build_site
from aggregator.spiders.discovery import DiscoveryMixin
from aggregator.spiders.extraction import ArticleExtractor, default_workers
from aggregator.spiders.failures import failure_reason
from aggregator.spiders.rendering import install_rendering
from aggregator.urls import registered_host

#: Scheduler priority of article requests; listing pages, feeds and sitemaps have 0.
ARTICLE_PRIORITY = 10


def site_name_for(url: str) -> str:
    """A snake_case site name from a URL's host ("www.el-pais.com" -> "el_pais_com")."""
    name = re.sub(r"[^a-z0-9]+", "_", registered_host(url)).strip("_")
    return name if re.match(r"^[a-z]", name) else f"site_{name or 'unknown'}"


class NewsSpider(DiscoveryMixin, Spider):
    """Crawl listing pages and the articles they link to, for one site."""

    name = "news"
    #: Set on the per-site subclasses that the loader builds from `sites/*.toml`.
    site_definition: ClassVar[Site | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        site = self.site_definition or self._site_from_arguments(kwargs)
        super().__init__(*args)
        self.site: Site = site
        self.allowed_domains = list(site.allowed_domains)
        self.clock: Clock = utcnow
        self.max_links = 500
        self.extractor = ArticleExtractor(0)

    @staticmethod
    def _site_from_arguments(arguments: dict[str, Any]) -> Site:
        # Keys starting with "_" belong to the scheduler (Scrapyd passes `_job`), not the site.
        raw = {key: value for key, value in arguments.items() if not key.startswith("_")}
        url = raw.pop("url", None)
        if url:
            raw["start_urls"] = url
        first_url = str(raw.get("start_urls", "")).split(",")[0].strip()
        name = raw.pop("site", None) or site_name_for(first_url)
        return build_site(name, raw, source="scrapy crawl news -a")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.clock = get_clock(crawler.settings)
        spider.max_links = crawler.settings.getint("AGGREGATOR_MAX_LINKS_PER_LISTING", 500)
        workers = default_workers(crawler.settings.get("AGGREGATOR_EXTRACT_WORKERS"))
        spider.extractor = ArticleExtractor(workers, crawler)
        crawler.signals.connect(spider.extractor.close, signal=signals.spider_closed)
        install_rendering(crawler, spider.site)  # playwright only for render_js sites
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for request in self.discovery_requests():  # feeds and sitemaps date their entries best
            yield request
        for url in self.site.start_urls:
            yield self.listing_request(url, depth=1)

    def listing_request(self, url: str, *, depth: int, chain: str | None = None) -> Request:
        """A request for one listing page, `depth` pages deep in the pagination that
        started at `chain` (the start URL; default: `url` itself, a start page)."""
        # A rendered request brings its own errback, which counts failed renders apart.
        options = {"errback": self.request_failed, **self.render_kwargs("listing")}
        request = Request(url, callback=self.parse_listing, cb_kwargs={"depth": depth}, **options)
        request.meta["aggregator_kind"] = "listing"  # read by aggregator/middlewares
        # --- pagination chain (read by aggregator/middlewares/pagination.py) ---
        request.meta["aggregator_chain"] = chain or url
        return request

    def article_request(self, entry: ListingEntry) -> Request:
        """A request for the article an entry links to, carrying the entry."""
        # A rendered request brings its own errback, which counts failed renders apart.
        options = {"errback": self.request_failed, **self.render_kwargs("article")}
        # Articles before more listing pages: the queue then holds one listing page's
        # links at a time instead of the whole site's (measured: 488 MB at 50,000 articles).
        request = Request(
            entry.url,
            callback=self.parse_article,
            cb_kwargs={"entry": entry},
            priority=ARTICLE_PRIORITY,
            **options,
        )
        request.meta["aggregator_kind"] = "article"  # read by aggregator/middlewares
        return request

    def request_failed(self, failure: Failure) -> None:
        """Errback of listing and article requests: count the failure with its reason."""
        reason = failure_reason(failure)
        if reason is None:
            return
        request = getattr(failure, "request", None)
        kind = request.meta.get("aggregator_kind", "page") if request is not None else "page"
        self._inc(f"failed/{kind}/{reason}")
        if isinstance(failure.value, HttpError) and self.crawler.stats is not None:
            # Handled here, the error no longer reaches Scrapy's HttpErrorMiddleware,
            # whose counters the health checks and operators read: keep them.
            status = failure.value.response.status
            self.crawler.stats.inc_value("httperror/response_ignored_count")
            self.crawler.stats.inc_value(f"httperror/response_ignored_status_count/{status}")
        url = request.url if request is not None else "?"
        # A page that is gone is the web's normal state; anything else deserves a look.
        level = logging.INFO if reason in ("http_404", "http_410") else logging.WARNING
        self.logger.log(level, "Could not fetch %s %s: %s", kind, url, reason)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"aggregator/spider/{key}")

    def parse_listing(self, response: Response, depth: int = 1) -> Iterator[Request]:
        """Follow every article link of a listing page, then its next page."""
        if not isinstance(response, HtmlResponse):
            self._inc("not_html")
            return
        self._inc("listing_pages")
        page = extract_listing(response, self.site.selectors)
        if not page.entries:
            self._inc("listing_without_links")
            self.logger.warning("Listing page %s has no article links", response.url)
        entries = page.entries[: self.max_links]
        if len(page.entries) > self.max_links:
            # A real listing shows tens of stories; thousands of links is a trap or an archive.
            self._inc("links_capped")
            self.logger.warning(
                "Listing page %s has %d article links; following the first %d",
                response.url,
                len(page.entries),
                self.max_links,
            )
        for entry in entries:
            yield self.article_request(entry)
        if page.next_page and depth < self.site.max_pages:
            chain = response.meta.get("aggregator_chain")  # the next page is of the same chain
            yield self.listing_request(page.next_page, depth=depth + 1, chain=chain)
        yield from self.feeds_from_listing(page.feeds, response)

    async def parse_article(
        self, response: Response, entry: ListingEntry | None = None
    ) -> AsyncIterator[ArticleItem]:
        """Extract one article and stamp it with the site, fetch time and teaser."""
        fetched_at = self.clock()
        entry = self.preferred_entry(entry)  # a feed/sitemap date beats "29 mins ago"
        if not isinstance(response, HtmlResponse):
            self._inc("not_html")
            return
        item = await self.extractor.extract(response, self.site.selectors)
        if item is None:
            self._inc("not_article")
            return
        self._inc("articles")
        item.site = self.site.name
        item.fetched_at = fetched_at
        if entry is not None:
            item.teaser_title = entry.title
            item.teaser_published_raw = entry.published_raw
            item.teaser_source = entry.source if entry.published_raw else None
        # The declared canonical is not a form yet: the clean pipeline decides whether
        # to trust it (a home page or another site's URL would merge distinct articles).
        forms = [
            entry.url if entry else None,
            *response.meta.get("redirect_urls", []),
            response.url,
        ]
        item.url_forms = list(dict.fromkeys(form for form in forms if form))
        yield item
