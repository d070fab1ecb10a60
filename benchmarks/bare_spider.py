"""The bare spider of `benchmarks/crawl.py`: fetch the sample site's pages and do nothing else.

It follows the same listing pages and article links as the `news` spider, with
two CSS selectors written for the sample site, so the difference between the
two runs is what aggregator adds: extraction, dates, duplicates, the store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response


class BareSpider(Spider):
    """Listing pages, their pagination and their articles; no items."""

    name = "bare"

    def __init__(self, url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.url, callback=self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        for href in response.css("h2.entry-title a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        next_page = response.css("a.next::attr(href)").get()
        if next_page:
            yield response.follow(next_page, callback=self.parse_listing)

    def parse_article(self, response: Response) -> None:
        """Nothing: the bare spider only downloads."""
