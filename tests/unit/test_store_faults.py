"""Store faults an operator meets (issue 15): a full spool disk, a lone surrogate in the text."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.items import ArticleItem
from aggregator.pipelines.clean import CleanArticlePipeline
from aggregator.pipelines.store import NotStored, StoreArticlePipeline
from aggregator.store.models import Article
from aggregator.store.schema import open_engine
from aggregator.store.spool import SpoolFile, SpoolUnwritable

FETCHED = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)
LONE = "Lone \ud800 surrogate"


def article(n: int, **fields: object) -> ArticleItem:
    url = f"https://example.com/story-{n}"
    values: dict[str, object] = {
        "canonical_url": url,
        "site": "example",
        "title": f"Story {n}",
        "body": f"Body of story number {n}.",
        "fetched_at": FETCHED,
        "content_hash": f"hash-{n}",
    }
    values.update(fields)
    return ArticleItem(url=url, **values)  # type: ignore[arg-type]


def store_pipeline(database_url: str, spool: Path) -> StoreArticlePipeline:
    crawler = get_crawler(
        settings_dict={
            "AGGREGATOR_DATABASE_URL": database_url,
            "AGGREGATOR_SPOOL_DIR": str(spool),
            "AGGREGATOR_STORE_BATCH_SIZE": 2,
        }
    )
    crawler.stats.open_spider()
    return StoreArticlePipeline.from_crawler(crawler)


async def feed(store: StoreArticlePipeline, items: list[ArticleItem]) -> list[str]:
    """Run a whole crawl's worth of items through `store`; the titles it dropped as not stored."""
    dropped = []
    await store.open_spider()
    for item in items:
        try:
            await store.process_item(item)
        except NotStored:
            dropped.append(item.title or "")
    await store.close_spider()
    return dropped


def stored_titles(database_url: str) -> list[str]:
    engine = open_engine(database_url)
    try:
        with Session(engine) as session:
            return sorted(session.scalars(select(Article.title)))
    finally:
        engine.dispose()


# --- issue 15, fault 5: a lone surrogate -------------------------------------------------


def test_lone_surrogate_is_replaced_by_the_clean_pipeline_and_counted() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    clean = CleanArticlePipeline.from_crawler(crawler)
    item = article(1, title=LONE, tags=["ok", "bad \udfff tag"], sources={"title": "jsonld"})

    cleaned = clean.process_item(item)

    assert cleaned.title == "Lone \ufffd surrogate"
    assert cleaned.tags == ["ok", "bad \ufffd tag"]
    assert crawler.stats.get_value("aggregator/clean/invalid_unicode") == 1
    # Valid text, pairs included, is left alone and not counted.
    clean.process_item(article(2, title="Emoji \U0001f600 fine"))
    assert crawler.stats.get_value("aggregator/clean/invalid_unicode") == 1


def test_lone_surrogate_never_costs_the_spool_an_item(tmp_path: Path) -> None:
    spool = SpoolFile.create(tmp_path, "news")
    spool.append(article(1, title=LONE))
    spool.append(article(2))
    contents = spool.read()
    assert [i.title for i in contents.items] == ["Lone \ufffd surrogate", "Story 2"]
    assert contents.rejected == []


# --- issue 15, fault 3: the spool's own failure --------------------------------------------


def test_full_spool_disk_leaves_no_torn_line(full_disk: Path, tmp_path: Path) -> None:
    spool = SpoolFile.create(full_disk / "spool", "news")
    with pytest.raises(SpoolUnwritable):
        spool.append(article(1, body="x" * 20_000))
    assert spool.path.read_bytes() == b""
    (full_disk / "filler").unlink()  # space again
    spool.append(article(2))
    contents = spool.read()
    assert ([i.title for i in contents.items], contents.rejected) == (["Story 2"], [])
    spool.close()


def test_full_spool_disk_stores_straight_into_the_database(
    full_disk: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = f"sqlite:///{tmp_path / 'a.db'}"
    store = store_pipeline(database, full_disk / "spool")

    dropped = asyncio.run(feed(store, [article(n) for n in range(5)]))

    stats = store.stats.get_stats()
    assert dropped == []
    assert stored_titles(database) == [f"Story {n}" for n in range(5)]
    assert stats["aggregator/store/inserted"] == 5
    assert stats["aggregator/store/spool_failed"] == 5
    assert stats["aggregator/store/spool_failed/stored"] == 5
    assert "aggregator/store/spooled" not in stats
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Spool unwritable" in errors[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)


def test_full_spool_disk_and_database_down_stop_the_crawl_reporting_nothing_stored(
    full_disk: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = store_pipeline(f"sqlite:///{tmp_path / 'missing' / 'a.db'}", full_disk / "spool")

    dropped = asyncio.run(feed(store, [article(n) for n in range(3)]))

    stats = store.stats.get_stats()
    assert dropped == ["Story 0", "Story 1", "Story 2"]
    assert stats["aggregator/store/spool_failed/unstored"] == 3
    assert stats["aggregator/store/storage_unavailable"] == 1
    for outcome in ("inserted", "updated", "unchanged", "spooled", "spool_failed/stored"):
        assert f"aggregator/store/{outcome}" not in stats
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(critical) == 1 and "Storage unavailable" in critical[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)


def test_an_article_the_database_refuses_on_a_full_spool_disk_is_counted_as_not_stored(
    full_disk: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'a.db'}"
    first = store_pipeline(database, tmp_path / "spool")
    asyncio.run(feed(first, [article(0)]))
    # Already stored, and naive: comparing its time with the stored one raises TypeError,
    # an error no database driver raises, so the database "refuses" this one article.
    broken = article(0, title="Broken", body="A changed body.")
    broken.fetched_at = datetime(2024, 7, 5, 13, 0)  # noqa: DTZ001
    store = store_pipeline(database, full_disk / "spool")

    dropped = asyncio.run(feed(store, [article(1), broken, article(2)]))

    stats = store.stats.get_stats()
    assert dropped == ["Broken"]
    assert stored_titles(database) == ["Story 0", "Story 1", "Story 2"]
    assert stats["aggregator/store/refused"] == 1
    assert stats["aggregator/store/spool_failed/unstored"] == 1
    assert stats["aggregator/store/spool_failed/stored"] == 2
    assert "aggregator/store/spooled" not in stats
