"""The spool: items survive as JSON lines, files are locked per crawl, replay stores and deletes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.items import ArticleItem
from aggregator.store.delivery import DatabaseUnavailable, replay_spool, save_or_isolate
from aggregator.store.models import Article
from aggregator.store.records import item_from_record, item_to_record
from aggregator.store.repository import ArticleRepository, Outcome
from aggregator.store.schema import open_engine, prepare_schema
from aggregator.store.spool import SpoolFile, leftover_files

FETCHED = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


def article(n: int, **fields: object) -> ArticleItem:
    url = f"https://example.com/story-{n}"
    values: dict[str, object] = {
        "canonical_url": url,
        "site": "example",
        "title": f"Story {n}",
        "body": f"Body of story number {n}, with words enough to shingle it.",
        "fetched_at": FETCHED,
        "content_hash": f"hash-{n}",
        "url_forms": [url + "?utm_source=x"],
    }
    values.update(fields)
    return ArticleItem(url=url, **values)  # type: ignore[arg-type]


@pytest.fixture
def repository(tmp_path: Path) -> ArticleRepository:
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    prepare_schema(engine)
    return ArticleRepository(engine)


def test_every_field_survives_the_json_round_trip() -> None:
    plus_two = timezone(timedelta(hours=2))
    original = article(
        1,
        authors=["Ana"],
        tags=["x"],
        sources={"title": "jsonld"},
        published_at=datetime(2024, 7, 5, 10, 0, tzinfo=plus_two),
        teaser_published_raw="29 mins ago",
    )
    assert item_from_record(item_to_record(original)) == original
    with pytest.raises(ValueError):
        item_from_record({"format": 99, "item": {}})


def test_append_cut_and_read_back(tmp_path: Path) -> None:
    spool = SpoolFile.create(tmp_path, "news")
    spool.append(article(1))
    kept = spool.tell()
    spool.append(article(2))
    spool.append(article(3))
    spool.cut(kept)
    assert [i.title for i in spool.read().items] == ["Story 1"]
    spool.close()
    assert spool.path.exists()
    empty = SpoolFile.create(tmp_path, "news")
    empty.close()
    assert not empty.path.exists()


def test_a_file_held_by_a_running_crawl_cannot_be_claimed(tmp_path: Path) -> None:
    spool = SpoolFile.create(tmp_path, "news")
    spool.append(article(1))
    assert SpoolFile.claim(spool.path) is None
    spool.close()
    claimed = SpoolFile.claim(spool.path)
    assert claimed is not None
    claimed.close()


def test_replay_stores_the_items_rejects_torn_lines_and_deletes_the_file(
    tmp_path: Path, repository: ArticleRepository
) -> None:
    spool = SpoolFile.create(tmp_path, "news")
    for n in range(5):
        spool.append(article(n))
    spool.close()
    with spool.path.open("ab") as torn:  # what a kill in the middle of a write leaves
        torn.write(b'{"format":1,"item":{"url":"https://exa')
    busy = SpoolFile.create(tmp_path, "other")
    busy.append(article(9))

    report = replay_spool(tmp_path, repository, batch_size=2)

    assert (report.files, report.stored, report.busy, report.rejected_lines) == (1, 5, 1, 1)
    assert report.outcomes == {"inserted": 5}
    assert not spool.path.exists()
    assert [p.name for p in leftover_files(tmp_path)] == [busy.path.name]
    assert (tmp_path / f"rejected-{spool.path.name}").read_bytes().startswith(b'{"format":1')
    assert repository.count() == 5
    busy.close()


def test_one_article_the_database_refuses_does_not_hold_back_the_others(
    tmp_path: Path, repository: ArticleRepository
) -> None:
    naive = datetime(2024, 7, 5, 10, 0)  # noqa: DTZ001 - the bad value under test
    items = [article(1), article(2, published_at=naive), article(3)]
    outcomes, refused = save_or_isolate(repository, items)
    assert outcomes == [Outcome.INSERTED, Outcome.INSERTED]
    assert [i.title for i, _ in refused] == ["Story 2"] and "naive" in refused[0][1]

    spool = SpoolFile.create(tmp_path, "news")
    for item in items:
        spool.append(item)
    spool.close()
    report = replay_spool(tmp_path, repository, batch_size=10)
    assert report.refused == 1 and report.outcomes == {"unchanged": 2}
    (left,) = leftover_files(tmp_path)
    claimed = SpoolFile.claim(left)
    assert claimed is not None and [i.title for i in claimed.read().items] == ["Story 2"]
    claimed.close()


def test_an_unreachable_database_leaves_the_spool_alone(tmp_path: Path) -> None:
    engine = open_engine("postgresql://postgres@127.0.0.1:1/none")
    repository = ArticleRepository(engine)
    with pytest.raises(DatabaseUnavailable):
        save_or_isolate(repository, [article(1)])
    spool = SpoolFile.create(tmp_path, "news")
    spool.append(article(1))
    spool.close()
    report = replay_spool(tmp_path, repository, batch_size=10)
    assert report.error and report.stored == 0
    assert spool.path.exists()
    engine.dispose()


def test_stored_items_match_what_was_spooled(tmp_path: Path, repository: ArticleRepository) -> None:
    spool = SpoolFile.create(tmp_path, "news")
    spool.append(article(7, authors=["Ana"], tags=["Economy"]))
    spool.close()
    replay_spool(tmp_path, repository, batch_size=10)
    with Session(repository.engine) as session:
        row = session.scalars(select(Article)).one()
    assert (row.title, row.authors, row.tags, row.first_seen_at) == (
        "Story 7",
        ["Ana"],
        ["Economy"],
        FETCHED,
    )


def test_a_new_spool_file_is_locked_before_replays_can_see_it(tmp_path: Path) -> None:
    spool = SpoolFile.create(tmp_path, "news")
    assert list(leftover_files(tmp_path)) == [spool.path]
    assert SpoolFile.claim(spool.path) is None  # held by its crawl
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    spool.close()
