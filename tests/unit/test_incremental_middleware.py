"""The incremental middleware's decision for one stored article: skip, refresh, or modified."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from aggregator.clock import frozen
from aggregator.middlewares.incremental import SkipStoredArticlesMiddleware, StoredArticle
from aggregator.store.repository import KnownUrl

NOW = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)
URL = "https://news.example/2024/06/01/story/"


class FakeStore:
    """Answers `find` like StoredUrls, from a fixed table."""

    def __init__(self, known: dict[str, KnownUrl]) -> None:
        self.known = known

    def find(self, urls: Sequence[str]) -> dict[str, KnownUrl] | None:
        return {url: self.known[url] for url in urls if url in self.known}

    def close(self) -> None:
        """Nothing to release."""


def middleware(known: KnownUrl) -> SkipStoredArticlesMiddleware:
    crawler = get_crawler()
    crawler.stats.open_spider()
    store: Any = FakeStore({URL: known})
    return SkipStoredArticlesMiddleware(crawler.stats, store, frozen(NOW), timedelta(hours=6))


def article(lastmod: str | None = None) -> Request:
    meta = {"aggregator_kind": "article", "aggregator_lastmod": lastmod}
    return Request(URL, meta=meta)


OLD = KnownUrl(
    1, False, NOW - timedelta(days=30), NOW - timedelta(days=30), NOW - timedelta(days=2)
)


def test_an_old_stored_article_is_skipped() -> None:
    skip = middleware(OLD)
    with pytest.raises(StoredArticle):
        skip.process_request(article())
    assert skip.stats.get_value("aggregator/incremental/skipped") == 1


@pytest.mark.parametrize(
    ("lastmod", "fetched"),
    [
        ("2024-07-05T09:00:00Z", True),  # changed after the last fetch (two days ago)
        ("2024-06-01T09:00:00Z", False),  # unchanged since
        ("not a date", False),
    ],
)
def test_a_newer_sitemap_lastmod_brings_it_back(lastmod: str, fetched: bool) -> None:
    skip = middleware(OLD)
    if fetched:
        assert skip.process_request(article(lastmod)) is None
        assert skip.stats.get_value("aggregator/incremental/modified") == 1
    else:
        with pytest.raises(StoredArticle):
            skip.process_request(article(lastmod))


def test_copies_are_never_fetched_again_whatever_the_lastmod() -> None:
    copy = KnownUrl(1, True, None, NOW - timedelta(days=3), NOW - timedelta(days=3))
    with pytest.raises(StoredArticle):
        middleware(copy).process_request(article("2024-07-05T09:00:00Z"))


def test_a_young_article_is_refreshed() -> None:
    young = KnownUrl(1, False, NOW - timedelta(hours=1), NOW - timedelta(hours=1), NOW)
    skip = middleware(young)
    assert skip.process_request(article()) is None
    assert skip.stats.get_value("aggregator/incremental/refreshed") == 1
