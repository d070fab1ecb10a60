"""The generic news spider: listing pages, their pagination, and the articles they link.

`scrapy crawl news -a url=<listing URL>` crawls any site with no configuration;
every `sites/*.toml` becomes a subclass bound to its `Site` (see `loader.py`).
The spider only navigates: its collaborators, built in `from_crawler`, do the
rest. `RequestBuilder` (`requests.py`) builds every request and names the meta
keys; `Discovery` (`discovery.py`) reads feeds and sitemaps; `RequestFailures`
(`failures.py`) is the one errback; `ArticleExtractor` (`extraction.py`)
extracts; dates and storage are pipelines. It stamps each article with `fetched_at` and carries
the listing teaser (title, raw date) to the article it leads to.

Settings: `AGGREGATOR_CLOCK`, `AGGREGATOR_MAX_LINKS_PER_LISTING`,
`AGGREGATOR_EXTRACT_WORKERS` (see `extraction.py`).
Stats: `aggregator/spider/listing_pages`, `aggregator/spider/listing_without_links`,
`aggregator/spider/links_capped`, `aggregator/spider/articles`,
`aggregator/spider/not_article`, `aggregator/spider/not_html`,
`aggregator/spider/failed/<kind>/<reason>` (see `failures.py`),
`aggregator/spider/invalid_link/<reason>` (see `requests.py`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response

from aggregator.clock import Clock, get_clock, utcnow
from aggregator.extract import extract_listing
from aggregator.items import ArticleItem, ListingEntry
from aggregator.sites import Site, build_site
from aggregator.spiders.discovery import Discovery
from aggregator.spiders.extraction import ArticleExtractor, default_workers
from aggregator.spiders.failures import RequestFailures
from aggregator.spiders.rendering import install_rendering
from aggregator.spiders.requests import CHAIN, NEXT_PAGE, RequestBuilder, count_invalid
from aggregator.urls import registered_host


def site_name_for(url: str) -> str:
    """A snake_case site name from a URL's host ("www.el-pais.com" -> "el_pais_com")."""
    name = re.sub(r"[^a-z0-9]+", "_", registered_host(url)).strip("_")
    return name if re.match(r"^[a-z]", name) else f"site_{name or 'unknown'}"


class NewsSpider(Spider):
    """Crawl listing pages and the articles they link to, for one site."""

    name = "news"
    #: Set on the per-site subclasses that the loader builds from `sites/*.toml`.
    site_definition: ClassVar[Site | None] = None
    # Collaborators, built in `from_crawler` (they need the crawler).
    requests: RequestBuilder
    discovery: Discovery
    failures: RequestFailures

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
        spider.failures = RequestFailures(crawler, spider.logger)
        spider.requests = RequestBuilder(
            crawler,
            spider.site,
            parse_listing=spider.parse_listing,
            parse_article=spider.parse_article,
            errback=spider.failures,
        )
        spider.discovery = Discovery(crawler, spider.site, spider.requests, spider.logger)
        install_rendering(crawler, spider.site)  # playwright only for render_js sites
        return spider

    async def start(self) -> AsyncIterator[Request]:
        # Feeds and sitemaps first: they date their entries best.
        for request in self.discovery.discovery_requests():
            yield request
        for url in self.site.start_urls:
            if (listing := self.requests.listing(url, depth=1)) is not None:
                yield listing

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
        for reason, count in page.invalid_links.items():
            count_invalid(self.crawler, reason, count)
        # Whether this page ends its chain's walk, and why, is the pagination middleware's.
        response.meta[NEXT_PAGE] = page.next_page
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
            if (request := self.requests.article(entry)) is not None:
                yield request
        if page.next_page and depth < self.site.max_pages:
            chain = response.meta.get(CHAIN)  # the next page is of the same chain
            following = self.requests.listing(page.next_page, depth=depth + 1, chain=chain)
            if following is not None:
                yield following
        yield from self.discovery.feeds_from_listing(page.feeds, response)

    async def parse_article(
        self, response: Response, entry: ListingEntry | None = None
    ) -> AsyncIterator[ArticleItem]:
        """Extract one article and stamp it with the site, fetch time and teaser."""
        fetched_at = self.clock()
        entry = self.discovery.preferred_entry(entry)  # a feed/sitemap date beats "29 mins ago"
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
