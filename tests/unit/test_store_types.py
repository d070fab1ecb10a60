"""The UTC column type and the repository on SQLite: offsets survive, upserts count right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.items import ArticleItem
from aggregator.store.models import Article, ArticleUrl
from aggregator.store.repository import ArticleRepository, Outcome
from aggregator.store.schema import drift, open_engine, prepare_schema

FETCHED = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def repository(tmp_path: Path) -> ArticleRepository:
    engine = open_engine(f"sqlite:///{tmp_path / 'test.db'}")
    assert prepare_schema(engine) == "created"
    return ArticleRepository(engine)


def article(url: str = "https://example.com/a", **fields: object) -> ArticleItem:
    values: dict[str, object] = {
        "canonical_url": url,
        "site": "example",
        "title": "Title",
        "body": "Body text.",
        "fetched_at": FETCHED,
        "url_forms": [url + "/?utm_source=x"],
        "content_hash": "h",
    }
    values.update(fields)
    return ArticleItem(url=url + "/", **values)  # type: ignore[arg-type]


def test_schema_matches_models_and_a_second_prepare_is_a_no_op(
    repository: ArticleRepository,
) -> None:
    assert drift(repository.engine) == []
    assert prepare_schema(repository.engine) == "current"


def test_offsets_are_converted_to_utc_not_dropped(repository: ArticleRepository) -> None:
    plus_two = datetime(2024, 7, 5, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    repository.save_batch([article(published_at=plus_two)])
    with Session(repository.engine) as session:
        stored = session.scalars(select(Article)).one()
    assert stored.published_at == datetime(2024, 7, 5, 8, 30, tzinfo=UTC)
    assert stored.published_at is not None and stored.published_at.tzinfo == UTC


def test_naive_datetimes_are_refused(repository: ArticleRepository) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        repository.save_batch([article(published_at=datetime(2024, 7, 5, 10, 30))])  # noqa: DTZ001


def test_insert_then_unchanged_then_updated(repository: ArticleRepository) -> None:
    assert repository.save_batch([article()]) == [Outcome.INSERTED]
    later = FETCHED + timedelta(hours=1)
    assert repository.save_batch([article(fetched_at=later)]) == [Outcome.UNCHANGED]
    assert repository.save_batch([article(body="New body.", fetched_at=later)]) == [Outcome.UPDATED]
    with Session(repository.engine) as session:
        stored = session.scalars(select(Article)).one()
        urls = set(session.scalars(select(ArticleUrl.url)))
    assert stored.body == "New body."
    assert stored.first_seen_at == FETCHED and stored.last_seen_at == later
    assert urls == {
        "https://example.com/a",
        "https://example.com/a/",
        "https://example.com/a/?utm_source=x",
    }


def test_an_article_met_under_a_known_url_form_is_the_same_article(
    repository: ArticleRepository,
) -> None:
    repository.save_batch([article()])
    moved = article(
        url="https://example.com/renamed", url_forms=["https://example.com/a/?utm_source=x"]
    )
    assert repository.save_batch([moved]) == [Outcome.UNCHANGED]
    assert repository.count() == 1
