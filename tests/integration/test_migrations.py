"""Migrations: `upgrade head` on an empty database leaves no drift, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from aggregator.store.schema import (
    SchemaError,
    current_revision,
    drift,
    head_revision,
    open_engine,
    prepare_schema,
    upgrade,
)


def test_upgrade_head_then_no_drift(database_url: str) -> None:
    engine = open_engine(database_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert drift(engine) == []
    assert {"articles", "article_urls", "crawl_runs"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_an_empty_database_is_created_once(database_url: str) -> None:
    engine = open_engine(database_url)
    assert prepare_schema(engine) == "created"
    assert prepare_schema(engine) == "current"
    engine.dispose()


def test_a_database_with_foreign_tables_is_not_touched(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE something_else (id INTEGER)")
    with pytest.raises(SchemaError, match="scrapy db upgrade"):
        prepare_schema(engine)
    engine.dispose()


def test_upgrading_a_database_that_holds_data_keeps_every_row(database_url: str) -> None:
    # SQLite rebuilds tables in batch migrations; with foreign keys on, dropping
    # `articles` used to delete every row of `article_urls`.
    engine = open_engine(database_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (id, url, site, title, body, authors, tags,"
                " first_seen_at, last_seen_at) VALUES (1, 'https://a.example/s', 'a', 'T', 'B',"
                " '[]', '[]', '2024-07-05 12:00:00+00', '2024-07-05 12:00:00+00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO article_urls (url, article_id) VALUES"
                " ('https://a.example/s', 1), ('https://a.example/s/?utm_source=x', 1)"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        counts = [
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("articles", "article_urls")
        ]
    assert counts == [1, 2]
    assert drift(engine) == []
    engine.dispose()
