"""The repository on SQLite and PostgreSQL: updates with revisions, exact and near copies, races."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.demo.content import DemoArticle
from aggregator.demo.site import generate_articles
from aggregator.items import ArticleItem
from aggregator.pipelines.clean import content_hash
from aggregator.store.models import Article, ArticleDuplicate, ArticleRevision, ArticleUrl
from aggregator.store.plans import resolve, rounds
from aggregator.store.repository import ArticleRepository, Outcome
from aggregator.store.schema import open_engine, prepare_schema, writer
from aggregator.store.writes import write_round
from tests.fixtures.syndication import syndicated_copy

FETCHED = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)
STORIES = generate_articles(FETCHED, 6, timezone="UTC", seed=11)


@pytest.fixture(params=["sqlite", "postgresql"])
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleRepository]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = open_engine(url)
    prepare_schema(engine)
    yield ArticleRepository(engine)
    engine.dispose()


def item(
    story: DemoArticle, *, site: str = "daily", host: str = "daily.example", **fields: object
) -> ArticleItem:
    url = f"https://{host}{story.path}".rstrip("/")
    body = "\n\n".join(story.paragraphs)
    values: dict[str, object] = {
        "canonical_url": url,
        "site": site,
        "title": story.title,
        "body": body,
        "fetched_at": FETCHED,
        "url_forms": [url + "/?utm_source=x"],
        "content_hash": content_hash(body),
    }
    values.update(fields)
    if "body" in fields and "content_hash" not in fields:
        values["content_hash"] = content_hash(str(fields["body"]))
    return ArticleItem(url=url + "/", **values)  # type: ignore[arg-type]


def rows(repository: ArticleRepository, model: type[object]) -> list[object]:
    with Session(repository.engine) as session:
        return list(session.scalars(select(model)))


def test_an_update_keeps_the_previous_version_as_a_revision(repository: ArticleRepository) -> None:
    first = item(STORIES[0])
    assert repository.save_batch([first]) == [Outcome.INSERTED]
    later = FETCHED + timedelta(hours=2)
    changed = item(STORIES[0], body=first.body + "\n\nA correction.", fetched_at=later)
    assert repository.save_batch([changed]) == [Outcome.UPDATED]
    assert repository.save_batch([changed]) == [Outcome.UNCHANGED]

    (article,) = rows(repository, Article)
    (revision,) = rows(repository, ArticleRevision)
    assert isinstance(article, Article) and isinstance(revision, ArticleRevision)
    assert article.body.endswith("A correction.") and article.updated_at == later
    assert (revision.article_id, revision.body, revision.title) == (
        article.id,
        first.body,
        first.title,
    )
    assert (revision.stored_at, revision.replaced_at) == (FETCHED, later)
    assert revision.content_hash == first.content_hash


def test_a_spooled_old_version_replayed_later_does_not_roll_back(
    repository: ArticleRepository,
) -> None:
    old = item(STORIES[0])
    new = item(STORIES[0], body=old.body + "\n\nUpdate.", fetched_at=FETCHED + timedelta(hours=1))
    repository.save_batch([old])
    repository.save_batch([new])
    assert repository.save_batch([old]) == [Outcome.UNCHANGED]
    (article,) = rows(repository, Article)
    assert isinstance(article, Article) and article.body == new.body


def test_two_versions_in_one_batch_are_an_insert_then_an_update(
    repository: ArticleRepository,
) -> None:
    old = item(STORIES[1])
    new = item(STORIES[1], title="A new headline", fetched_at=FETCHED + timedelta(minutes=5))
    assert repository.save_batch([old, new]) == [Outcome.INSERTED, Outcome.UPDATED]
    assert len(rows(repository, Article)) == 1
    assert len(rows(repository, ArticleRevision)) == 1


def test_the_same_text_under_another_url_is_an_exact_copy_in_and_across_batches(
    repository: ArticleRepository,
) -> None:
    original = item(STORIES[2])
    in_batch = item(STORIES[2], host="mirror.example", site="mirror")
    later = item(STORIES[2], host="print.example", site="daily")
    assert repository.save_batch([original, in_batch]) == [
        Outcome.INSERTED,
        Outcome.DUPLICATE_EXACT,
    ]
    assert repository.save_batch([later]) == [Outcome.DUPLICATE_EXACT]
    assert repository.save_batch([later]) == [Outcome.DUPLICATE_EXACT]
    (article,) = rows(repository, Article)
    copies = rows(repository, ArticleDuplicate)
    assert isinstance(article, Article)
    assert sorted((c.site, c.kind, c.similarity) for c in copies) == [  # type: ignore[attr-defined]
        ("daily", "exact", 1.0),
        ("mirror", "exact", 1.0),
    ]
    assert {c.article_id for c in copies} == {article.id}  # type: ignore[attr-defined]


def test_a_syndicated_copy_on_another_site_is_a_near_copy(repository: ArticleRepository) -> None:
    original = item(STORIES[3])
    copy_story = syndicated_copy(STORIES[3])
    copy = item(copy_story, site="wire", host="wire.example")
    assert copy.content_hash != original.content_hash
    assert repository.save_batch([original]) == [Outcome.INSERTED]
    assert repository.save_batch([copy]) == [Outcome.DUPLICATE_NEAR]
    (duplicate,) = rows(repository, ArticleDuplicate)
    assert isinstance(duplicate, ArticleDuplicate)
    assert (duplicate.url, duplicate.kind) == (copy.canonical_url, "near")
    assert 0.7 <= duplicate.similarity < 1.0


def test_near_copies_in_one_batch_and_the_limits_of_near_matching(
    repository: ArticleRepository,
) -> None:
    original = item(STORIES[4])
    wire = item(syndicated_copy(STORIES[4]), site="wire", host="wire.example")
    # The same site republishing a near copy keeps both: a correction, a series, not a copy.
    same_site = item(replace(syndicated_copy(STORIES[4]), slug="other-url"), title="Other")
    distinct = item(STORIES[5], site="wire", host="wire.example")
    outcomes = repository.save_batch([original, wire, same_site, distinct])
    assert outcomes == [
        Outcome.INSERTED,
        Outcome.DUPLICATE_NEAR,
        Outcome.INSERTED,
        Outcome.INSERTED,
    ]


def test_a_threshold_of_zero_switches_near_matching_off(repository: ArticleRepository) -> None:
    repository.near_threshold = 0
    original = item(STORIES[3])
    copy = item(syndicated_copy(STORIES[3]), site="wire", host="wire.example")
    assert repository.save_batch([original, copy]) == [Outcome.INSERTED, Outcome.INSERTED]


def test_known_urls_cover_every_form_and_the_copies(repository: ArticleRepository) -> None:
    original = item(STORIES[2])
    copy = item(STORIES[2], host="mirror.example", site="mirror")
    repository.save_batch([original, copy])
    assert copy.canonical_url and original.canonical_url
    found = repository.known(
        [original.url_forms[0], original.canonical_url, copy.canonical_url, "https://x.example/"]
    )
    assert set(found) == {original.url_forms[0], original.canonical_url, copy.canonical_url}
    assert not found[original.canonical_url].is_copy and found[copy.canonical_url].is_copy
    assert found[original.canonical_url].first_seen_at == FETCHED


def test_an_article_inserted_by_another_writer_meanwhile_is_not_inserted_twice(
    repository: ArticleRepository,
) -> None:
    mine = item(STORIES[0])
    with writer(repository.engine).begin() as conn:
        (plans,) = rounds([mine])
        decisions = resolve(conn, plans, repository.near_threshold)
        assert decisions[0].outcome is Outcome.INSERTED
        # What a concurrent crawler would commit between our lookup and our insert.
        conn.execute(
            Article.__table__.insert(),
            {
                "url": mine.canonical_url,
                "site": "daily",
                "title": "theirs",
                "body": "theirs",
                "authors": [],
                "tags": [],
                "first_seen_at": FETCHED,
                "last_seen_at": FETCHED,
                "updated_at": FETCHED,
                "change_seq": 1000,
            },
        )
        (written,) = write_round(conn, decisions)
    assert written.outcome is Outcome.UNCHANGED
    (article,) = rows(repository, Article)
    forms = {u.url for u in rows(repository, ArticleUrl)}  # type: ignore[attr-defined]
    assert isinstance(article, Article) and written.article_id == article.id
    assert set(mine.url_forms) <= forms


def test_every_column_comes_back_as_written(repository: ArticleRepository) -> None:
    plus_two = timezone(timedelta(hours=2))
    written = item(
        STORIES[0],
        authors=["Ana Ribeiro", "Tomás Novák"],
        tags=["Economy", "Health"],
        summary="A summary.",
        published_at=datetime(2024, 7, 5, 10, 30, tzinfo=plus_two),
        published_raw="5 July 2024, 10:30",
        published_source="jsonld",
        published_precision="minute",
        modified_at=datetime(2024, 7, 5, 11, 0, tzinfo=UTC),
        category="News",
        image_url="https://daily.example/a.jpg",
        language="en",
    )
    repository.save_batch([written])
    (row,) = rows(repository, Article)
    assert isinstance(row, Article)
    for name in ("site", "title", "body", "summary", "authors", "tags", "category", "language"):
        assert getattr(row, name) == getattr(written, name), name
    assert row.published_at == datetime(2024, 7, 5, 8, 30, tzinfo=UTC)
    assert (row.published_raw, row.published_source, row.published_precision) == (
        "5 July 2024, 10:30",
        "jsonld",
        "minute",
    )
    assert (row.modified_at, row.image_url, row.content_hash) == (
        written.modified_at,
        written.image_url,
        written.content_hash,
    )
    assert (row.url, row.first_seen_at, row.last_seen_at, row.updated_at) == (
        written.canonical_url,
        FETCHED,
        FETCHED,
        FETCHED,
    )


def test_change_numbers_grow_with_every_insert_and_update_only(
    repository: ArticleRepository,
) -> None:
    def numbers() -> dict[str, int]:
        return {a.title: a.change_seq for a in rows(repository, Article)}  # type: ignore[attr-defined]

    first, second = item(STORIES[0]), item(STORIES[1])
    repository.save_batch([first, second])
    assert sorted(numbers().values()) == [1, 2]
    later = FETCHED + timedelta(hours=1)
    repository.save_batch([item(STORIES[0], fetched_at=later)])  # unchanged
    assert sorted(numbers().values()) == [1, 2]
    repository.save_batch([item(STORIES[0], body="Rewritten.", fetched_at=later), item(STORIES[2])])
    assert numbers() == {STORIES[1].title: 2, STORIES[0].title: 3, STORIES[2].title: 4}
