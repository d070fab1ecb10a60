"""Issue 15, fault 7: credentials and junk in URLs are never stored (only today's APIs used,
so that this test fails, not errors, on code without the fix)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy.utils.test import get_crawler

from aggregator.items import ArticleItem
from aggregator.pipelines.clean import CleanArticlePipeline
from aggregator.urls import canonical_url


def test_credentials_and_junk_in_urls_are_not_stored() -> None:
    assert canonical_url("http://admin:s3cret@News.Example/a/") == "http://news.example/a"
    crawler = get_crawler()
    assert crawler.stats is not None
    crawler.stats.open_spider()
    clean = CleanArticlePipeline.from_crawler(crawler)
    item: Any = clean.process_item(
        ArticleItem(
            url="https://news.example/a/",
            canonical_url="https://admin:s3cret@news.example/a/",
            title="T",
            body="B",
            image_url="data:image/png;base64," + "A" * 500_000,
            url_forms=["https://admin:s3cret@news.example/a/", "https://news.example/a/"],
            fetched_at=datetime(2024, 7, 5, tzinfo=UTC),
        )
    )
    assert item.canonical_url == "https://news.example/a"
    assert not any("s3cret" in form or "admin@" in form for form in item.url_forms)
    assert item.image_url is None
