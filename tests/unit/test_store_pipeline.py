"""The store pipeline: batches, spooling when the database is unusable, and its stats."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from scrapy.utils.test import get_crawler

from aggregator.items import ArticleItem
from aggregator.pipelines.store import StoreArticlePipeline
from aggregator.store.spool import SpoolFile, leftover_files

FETCHED = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)
T = TypeVar("T")


def run(step: Coroutine[Any, Any, T]) -> T:
    """One pipeline call, awaited as Scrapy's engine would."""
    return asyncio.run(step)


def article(n: int) -> ArticleItem:
    url = f"https://example.com/story-{n}"
    return ArticleItem(
        url=url,
        canonical_url=url,
        site="example",
        title=f"Story {n}",
        body=f"Body of story {n}.",
        fetched_at=FETCHED,
        content_hash=f"h{n}",
    )


def pipeline(database_url: str, spool: Path, batch_size: int = 2) -> StoreArticlePipeline:
    crawler = get_crawler(
        settings_dict={
            "AGGREGATOR_DATABASE_URL": database_url,
            "AGGREGATOR_SPOOL_DIR": str(spool),
            "AGGREGATOR_STORE_BATCH_SIZE": batch_size,
        }
    )
    crawler.stats.open_spider()
    return StoreArticlePipeline.from_crawler(crawler)


def spooled_titles(directory: Path) -> list[str]:
    titles = []
    for path in leftover_files(directory):
        spool = SpoolFile.claim(path)
        assert spool is not None
        titles += [item.title or "" for item in spool.read().items]
        spool.close()
    return titles


def test_batches_are_saved_and_cut_from_the_spool(tmp_path: Path) -> None:
    store = pipeline(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "spool")
    run(store.open_spider())
    for n in range(5):
        run(store.process_item(article(n)))
    assert store.spool is not None
    assert [i.title for i in store.spool.read().items] == ["Story 4"]
    run(store.close_spider())
    stats = store.stats.get_stats()
    assert (stats["aggregator/store/inserted"], stats["aggregator/store/batches"]) == (5, 3)
    assert list(leftover_files(tmp_path / "spool")) == []


def test_an_unusable_database_spools_every_item_and_the_next_crawl_replays_them(
    tmp_path: Path,
) -> None:
    down = pipeline(f"sqlite:///{tmp_path / 'missing' / 'a.db'}", tmp_path / "spool")
    run(down.open_spider())
    for n in range(3):
        run(down.process_item(article(n)))
    run(down.close_spider())
    stats = down.stats.get_stats()
    assert stats["aggregator/store/spooled"] == 3
    assert stats["aggregator/store/db_unavailable"] >= 2
    assert "aggregator/store/inserted" not in stats
    assert spooled_titles(tmp_path / "spool") == ["Story 0", "Story 1", "Story 2"]

    up = pipeline(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "spool")
    run(up.open_spider())
    run(up.process_item(article(3)))
    run(up.close_spider())
    stats = up.stats.get_stats()
    assert (stats["aggregator/store/replayed"], stats["aggregator/store/inserted"]) == (3, 1)
    assert list(leftover_files(tmp_path / "spool")) == []


def test_an_item_that_breaks_saving_is_kept_and_its_batch_mates_are_stored(
    tmp_path: Path,
) -> None:
    spool = tmp_path / "spool"
    store = pipeline(f"sqlite:///{tmp_path / 'a.db'}", spool)
    run(store.open_spider())
    run(store.process_item(article(0)))
    run(store.process_item(article(1)))
    # Already stored, and naive: comparing its time with the stored one raises TypeError,
    # an error no database driver raises.
    broken = article(0)
    broken.body = "A changed body."
    broken.fetched_at = datetime(2024, 7, 5, 13, 0)  # noqa: DTZ001
    run(store.process_item(article(2)))
    run(store.process_item(broken))
    run(store.process_item(article(3)))
    run(store.close_spider())
    stats = store.stats.get_stats()
    assert stats["aggregator/store/inserted"] == 4
    assert stats["aggregator/store/refused"] == 1
    assert spooled_titles(spool) == ["Story 0"]


def test_a_bad_spool_line_does_not_stop_the_next_crawl(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    first = pipeline(f"sqlite:///{tmp_path / 'a.db'}", spool)
    run(first.open_spider())
    run(first.process_item(article(0)))
    broken = article(0)
    broken.body = "A changed body."
    broken.fetched_at = datetime(2024, 7, 5, 13, 0)  # noqa: DTZ001
    run(first.process_item(broken))
    run(first.close_spider())
    for attempt in range(2):
        again = pipeline(f"sqlite:///{tmp_path / 'a.db'}", spool)
        run(again.open_spider())
        run(again.process_item(article(10 + attempt)))
        run(again.close_spider())
        assert again.stats.get_value("aggregator/store/inserted") == 1
    assert spooled_titles(spool) == ["Story 0"]
