"""The clean pipeline: text normalisation, canonical URL choice and the content hash."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from aggregator.items import ArticleItem
from aggregator.pipelines.clean import (
    CleanArticlePipeline,
    choose_canonical,
    content_hash,
    normalise_body,
)
from aggregator.store.repository import ArticleRepository, Outcome
from aggregator.store.schema import open_engine, prepare_schema


def pipeline(**settings: object) -> CleanArticlePipeline:
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    return CleanArticlePipeline.from_crawler(crawler)


def test_body_paragraphs_are_normalised_and_joined_by_one_blank_line() -> None:
    raw = "  First\tparagraph\n continues here. \n\n\n\nSecond  one.\n \n  \nCafe\u0301 third."
    assert (
        normalise_body(raw) == "First paragraph continues here.\n\nSecond one.\n\nCaf\u00e9 third."
    )


def test_content_hash_ignores_case_spacing_and_punctuation_but_not_words() -> None:
    assert content_hash("Hello,  world.\n\nAgain!") == content_hash("hello world again")
    assert content_hash("Hello world") != content_hash("Hello there world")


def test_declared_canonical_is_used_on_the_same_site() -> None:
    url, rejected = choose_canonical(
        "https://www.example.com/story/?utm_source=x", "https://example.com/story/"
    )
    assert (url, rejected) == ("https://example.com/story", False)


def test_canonical_to_the_home_page_or_another_site_is_rejected() -> None:
    assert choose_canonical("https://example.com/a/", "https://example.com/") == (
        "https://example.com/a",
        True,
    )
    assert choose_canonical("https://example.com/a/", "https://other.org/a/") == (
        "https://example.com/a",
        True,
    )
    assert choose_canonical("https://example.com/a/", None) == ("https://example.com/a", False)


def test_process_item_fills_the_derived_fields_and_counts() -> None:
    clean = pipeline(AGGREGATOR_MAX_TITLE_LENGTH=20)
    item = ArticleItem(
        url="https://example.com/a/?utm_source=x",
        canonical_url="https://example.com/",
        title="  A   very long headline that goes on  ",
        body="One.\n\n\nTwo.",
        authors=["Ana  Ribeiro", "ana ribeiro", " "],
        tags=["Economy", "economy", "Health"],
        fetched_at=datetime(2024, 7, 5, tzinfo=UTC),
    )
    out = clean.process_item(item)
    assert out.title == "A very long headline"
    assert out.body == "One.\n\nTwo."
    assert out.authors == ["Ana Ribeiro"]
    assert out.tags == ["Economy", "Health"]
    assert out.canonical_url == "https://example.com/a"
    assert out.url_forms == ["https://example.com/a/?utm_source=x"]
    assert out.content_hash == content_hash("One. Two.")
    stats = clean.stats.get_stats()
    assert stats["aggregator/clean/title_truncated"] == 1
    assert stats["aggregator/clean/canonical_rejected"] == 1


@pytest.mark.parametrize(
    "address",
    [
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "https://x.example/" + "a" * 5000,
    ],
)
def test_an_image_address_that_cannot_be_stored_is_dropped_and_counted(address: str) -> None:
    clean = pipeline()
    item = ArticleItem(
        url="https://example.com/a", title="A", body="One.", image_url=address,
        fetched_at=datetime(2024, 7, 5, tzinfo=UTC),
    )  # fmt: skip
    assert clean.process_item(item).image_url is None
    assert clean.stats.get_stats()["aggregator/clean/image_url_dropped"] == 1


def test_a_storable_image_address_is_kept_and_not_counted() -> None:
    clean = pipeline()
    item = ArticleItem(
        url="https://example.com/a", title="A", body="One.",
        image_url="https://cdn.example.com/a.jpg", fetched_at=datetime(2024, 7, 5, tzinfo=UTC),
    )  # fmt: skip
    assert clean.process_item(item).image_url == "https://cdn.example.com/a.jpg"
    assert "aggregator/clean/image_url_dropped" not in clean.stats.get_stats()


def test_amp_and_mobile_pages_keep_the_desktop_canonical_they_declare() -> None:
    assert choose_canonical(
        "https://amp.example.com/2024/story/", "https://www.example.com/2024/story/"
    ) == ("https://www.example.com/2024/story", False)
    assert choose_canonical(
        "https://m.example.com/story?utm_source=x", "https://example.com/story"
    ) == (
        "https://example.com/story",
        False,
    )


def test_a_canonical_naming_the_articles_section_is_rejected() -> None:
    assert choose_canonical("https://example.com/news/2024/story", "https://example.com/news/") == (
        "https://example.com/news/2024/story",
        True,
    )


def test_a_rejected_canonical_is_not_an_url_form_so_two_articles_stay_two(tmp_path: Path) -> None:
    clean = pipeline()
    items = [
        ArticleItem(
            url=f"https://news.example/politics/story-{n}/",
            canonical_url="https://news.example/",  # a template bug: every page says "home"
            title=f"Story {n}",
            body=f"Body of story number {n}, which is a different story.",
            url_forms=[f"https://news.example/politics/story-{n}/", "https://news.example/"],
            fetched_at=datetime(2024, 7, 5, tzinfo=UTC),
        )
        for n in (1, 2)
    ]
    cleaned = [clean.process_item(item) for item in items]
    assert all("https://news.example/" not in item.url_forms for item in cleaned)
    engine = open_engine(f"sqlite:///{tmp_path / 'news.db'}")
    prepare_schema(engine)
    assert ArticleRepository(engine).save_batch(cleaned) == [Outcome.INSERTED, Outcome.INSERTED]


def test_an_accepted_canonical_is_recorded_as_a_form() -> None:
    item = pipeline().process_item(
        ArticleItem(
            url="https://www.news.example/a/?utm_source=x",
            canonical_url="https://news.example/a/",
            title="T",
            body="B",
            fetched_at=datetime(2024, 7, 5, tzinfo=UTC),
        )
    )
    assert item.url_forms == ["https://www.news.example/a/?utm_source=x", "https://news.example/a/"]


def test_control_characters_are_removed_so_a_recrawl_is_unchanged() -> None:
    assert normalise_body("Null\x00 byte\x07 here.\n\nTab\tstays a space.") == (
        "Null byte here.\n\nTab stays a space."
    )


def test_a_declared_canonical_too_long_to_store_is_rejected() -> None:
    long = "https://news.example/a/" + "x" * 3000
    assert choose_canonical("https://news.example/a/", long) == ("https://news.example/a", True)
