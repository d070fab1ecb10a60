"""The dates pipeline: site zone and languages, article-vs-teaser precedence, stats."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from aggregator.items import ArticleItem
from aggregator.pipelines.dates import NormaliseDatesPipeline
from aggregator.sites import Site, build_site

FETCHED = datetime(2024, 7, 5, 12, 0, 45, tzinfo=UTC)


class SiteSpider(Spider):
    name = "example"
    site: Site


class BareSpider(Spider):
    name = "bare"


def make_pipeline(site: Site | None = None) -> tuple[NormaliseDatesPipeline, Crawler]:
    crawler = get_crawler(SiteSpider if site else BareSpider)
    spider = crawler.spidercls.from_crawler(crawler)
    if site is not None:
        spider.site = site  # type: ignore[attr-defined]
    crawler.spider = spider
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return NormaliseDatesPipeline.from_crawler(crawler), crawler


def site(timezone: str = "Europe/Madrid", languages: str = "es") -> Site:
    raw = {"start_urls": ["https://example.com/"], "timezone": timezone, "languages": languages}
    return build_site("example", raw)


def article(**fields: Any) -> ArticleItem:
    return ArticleItem(url="https://example.com/a", fetched_at=FETCHED, **fields)


def stats(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return {
        key: value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith("aggregator/dates/")
    }


def test_machine_readable_second_beats_a_relative_minute_teaser() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(
        published_raw="2024-07-05T11:31:12+00:00",
        published_source="jsonld",
        teaser_published_raw="29 mins ago",
        teaser_source="listing",
    )
    assert pipeline.process_item(item) is item
    assert item.published_at == datetime(2024, 7, 5, 11, 31, 12, tzinfo=UTC)
    assert (item.published_precision, item.published_source) == ("second", "jsonld")
    assert item.published_raw == "2024-07-05T11:31:12+00:00"
    assert stats(crawler) == {"aggregator/dates/parsed/jsonld": 1}


def test_a_more_precise_teaser_beats_a_day_only_article_date() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(
        published_raw="2024-07-05",
        published_source="meta",
        teaser_published_raw="29 mins ago",
        teaser_source="listing",
    )
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 7, 5, 11, 31, 45, tzinfo=UTC)
    assert (item.published_precision, item.published_source) == ("minute", "listing")
    assert item.published_raw == "29 mins ago"
    assert stats(crawler) == {"aggregator/dates/parsed/listing": 1}


def test_equal_precision_prefers_the_article_page() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(
        published_raw="2024-07-05T13:30+02:00",
        published_source="time",
        teaser_published_raw="29 mins ago",
        teaser_source="listing",
    )
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 7, 5, 11, 30, tzinfo=UTC)
    assert (item.published_precision, item.published_source) == ("minute", "time")
    assert stats(crawler) == {"aggregator/dates/parsed/time": 1}


def test_without_an_article_date_the_feed_date_is_used_with_its_source() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(teaser_published_raw="Fri, 05 Jul 2024 09:00:00 GMT", teaser_source="feed")
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 7, 5, 9, tzinfo=UTC)
    assert (item.published_raw, item.published_source) == ("Fri, 05 Jul 2024 09:00:00 GMT", "feed")
    assert item.published_precision == "second"
    assert stats(crawler) == {"aggregator/dates/parsed/feed": 1}


def test_an_unreadable_article_date_gives_way_to_a_readable_teaser() -> None:
    pipeline, _ = make_pipeline(site())
    item = article(
        published_raw="Source link", published_source="text", teaser_published_raw="ayer"
    )
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 7, 3, 22, tzinfo=UTC)  # midnight in Madrid
    assert (item.published_raw, item.published_source) == ("ayer", "listing")
    assert item.published_precision == "day"


def test_an_unreadable_date_keeps_its_text_and_the_article() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(published_raw="Admin", published_source="text")
    assert pipeline.process_item(item) is item
    assert item.published_at is None and item.published_precision is None
    assert (item.published_raw, item.published_source) == ("Admin", "text")
    assert stats(crawler) == {"aggregator/dates/unparsed": 1}


def test_an_unreadable_teaser_alone_is_kept_as_the_raw_text() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(teaser_published_raw="N/A", teaser_source="listing")
    pipeline.process_item(item)
    assert item.published_at is None
    assert (item.published_raw, item.published_source) == ("N/A", "listing")
    assert stats(crawler) == {"aggregator/dates/unparsed": 1}


def test_no_date_text_at_all_is_counted_as_missing() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article()
    pipeline.process_item(item)
    assert item.published_at is None and item.published_raw is None
    assert stats(crawler) == {"aggregator/dates/missing": 1}


def test_article_and_teaser_more_than_a_day_apart_are_counted_as_a_conflict() -> None:
    pipeline, crawler = make_pipeline(site())
    item = article(
        published_raw="2024-06-01T10:00:00Z",
        published_source="jsonld",
        teaser_published_raw="29 mins ago",
    )
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert stats(crawler) == {
        "aggregator/dates/parsed/jsonld": 1,
        "aggregator/dates/conflict": 1,
    }


@pytest.mark.parametrize(
    ("published_raw", "teaser"),
    [
        ("2024-07-04T12:00:00Z", "29 mins ago"),  # 23.5 hours apart
        ("julio de 2024", "hace 3 días"),  # the month contains the day
        ("2024-07-05", "hace 2 horas"),  # the day contains the hour
    ],
)
def test_dates_within_a_day_of_each_other_are_not_a_conflict(
    published_raw: str, teaser: str
) -> None:
    pipeline, crawler = make_pipeline(site())
    pipeline.process_item(article(published_raw=published_raw, teaser_published_raw=teaser))
    assert "aggregator/dates/conflict" not in stats(crawler)


def test_text_without_an_offset_is_read_in_the_site_timezone() -> None:
    pipeline, _ = make_pipeline(site("Europe/Madrid"))
    item = article(published_raw="5 de julio de 2024, 10:30", published_source="text")
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 7, 5, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timezone", "languages", "month", "day"),
    [("America/New_York", "en", 7, 4), ("Europe/Madrid", "es", 4, 7)],
)
def test_numeric_dates_follow_the_site_languages(
    timezone: str, languages: str, month: int, day: int
) -> None:
    pipeline, _ = make_pipeline(site(timezone, languages))
    item = article(published_raw="07/04/2024", published_source="text")
    pipeline.process_item(item)
    assert item.published_at is not None
    local = item.published_at.astimezone(site(timezone).tzinfo)
    assert (local.month, local.day, local.hour) == (month, day, 0)


def test_the_page_language_is_the_hint_when_the_site_names_none() -> None:
    pipeline, _ = make_pipeline(site("America/New_York", ""))
    english, spanish = (article(published_raw="07/04/2024", language=code) for code in ("en", "es"))
    pipeline.process_item(english)
    pipeline.process_item(spanish)
    assert english.published_at == datetime(2024, 7, 4, 4, tzinfo=UTC)
    assert spanish.published_at == datetime(2024, 4, 7, 4, tzinfo=UTC)


def test_a_spider_without_a_site_reads_dates_in_utc() -> None:
    pipeline, crawler = make_pipeline(None)
    item = article(published_raw="2024-07-05 10:30", published_source="meta")
    pipeline.process_item(item)
    assert item.published_at == datetime(2024, 7, 5, 10, 30, tzinfo=UTC)
    assert stats(crawler) == {"aggregator/dates/parsed/meta": 1}


def test_a_missing_fetch_time_is_counted_and_treated_as_unparsed() -> None:
    pipeline, crawler = make_pipeline(site())
    item = ArticleItem(
        url="https://example.com/a",
        published_raw="2024-07-05T10:00:00Z",
        published_source="jsonld",
        teaser_published_raw="29 mins ago",
        modified_raw="2024-07-05T11:00:00Z",
    )
    assert pipeline.process_item(item) is item
    assert item.published_at is None and item.modified_at is None
    assert item.published_raw == "2024-07-05T10:00:00Z"
    assert stats(crawler) == {
        "aggregator/dates/no_fetched_at": 1,
        "aggregator/dates/unparsed": 1,
    }


def test_modified_text_becomes_modified_at() -> None:
    pipeline, _ = make_pipeline(site())
    item = article(modified_raw="Actualizado hace 2 horas", published_raw="2024-07-05")
    pipeline.process_item(item)
    assert item.modified_at == datetime(2024, 7, 5, 10, 0, 45, tzinfo=UTC)


def test_dict_items_are_handled_through_itemadapter() -> None:
    pipeline, _ = make_pipeline(site())
    item: dict[str, Any] = {"published_raw": "hace 5 minutos", "fetched_at": FETCHED}
    pipeline.process_item(item)
    assert item["published_at"] == datetime(2024, 7, 5, 11, 55, 45, tzinfo=UTC)
    assert item["published_precision"] == "minute"


def test_the_component_follows_the_scrapy_2_18_shape() -> None:
    pipeline, crawler = make_pipeline(site())
    assert pipeline.crawler is crawler
    assert list(inspect.signature(pipeline.process_item).parameters) == ["item"]
