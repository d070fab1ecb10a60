"""First pipeline: drop items that cannot become an article, each for a named reason.

One `DropItem` subclass per reason, so Scrapy's
`item_dropped_reasons_count/<Reason>` stats say why an item went.
Stats: those Scrapy counters; this pipeline adds none of its own.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from aggregator.items import ArticleItem
from aggregator.urls import MAX_URL_LENGTH


class MissingUrl(DropItem):
    """The item has no URL."""


class MissingTitle(DropItem):
    """The page gave no headline."""


class MissingBody(DropItem):
    """The page gave no article text."""


class UrlTooLong(DropItem):
    """The article's URL does not fit the store's URL columns (a trap or a broken link)."""


class MissingFetchTime(DropItem):
    """The spider did not stamp `fetched_at`, so relative dates cannot be resolved."""


class ValidateArticlePipeline:
    """Drop items without URL, title, body or fetch time, or with an URL too long to store."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if not item.url:
            raise MissingUrl("article without a URL")
        if len(item.url) > MAX_URL_LENGTH:
            raise UrlTooLong(f"URL of {len(item.url)} characters: {item.url[:100]}...")
        if not item.title or not item.title.strip():
            raise MissingTitle(f"no title: {item.url}")
        if not item.body or not item.body.strip():
            raise MissingBody(f"no body: {item.url}")
        if item.fetched_at is None:
            raise MissingFetchTime(f"no fetched_at: {item.url}")
        return item
