"""First pipeline: drop items that cannot become an article, each for a named reason.

An article page whose body no extraction strategy found (the body safety net
ran and failed, see `aggregator/extract/safety.py`) is dropped as `NoBody`,
not as `MissingBody`, so an operator can tell the two apart.

One `DropItem` subclass per reason, so Scrapy's
`item_dropped_reasons_count/<Reason>` stats say why an item went.
Stats: those Scrapy counters; this pipeline adds none of its own.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from aggregator.extract.safety import REASON_KEY as BODY_FALLBACK_KEY
from aggregator.items import ArticleItem
from aggregator.urls import MAX_URL_LENGTH


class MissingUrl(DropItem):
    """The item has no URL."""


class MissingTitle(DropItem):
    """The page gave no headline."""


class MissingBody(DropItem):
    """The page gave no article text."""


class NoBody(DropItem):
    """The page looks like an article, but no extraction strategy found its text.

    The body safety net ran (`sources["body_fallback"]` is set) and neither the
    generic extractor nor the second strategy found a body: a layout extraction
    does not handle, which the `body_fallback` health check reports.
    """


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
            if item.sources.get(BODY_FALLBACK_KEY):
                raise NoBody(f"no body found by any extraction strategy: {item.url}")
            raise MissingBody(f"no body: {item.url}")
        if item.fetched_at is None:
            raise MissingFetchTime(f"no fetched_at: {item.url}")
        return item
