"""The example queries of docs/schema.md run on SQLite and PostgreSQL, each served by an index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from aggregator.items import ArticleItem
from aggregator.store.repository import ArticleRepository
from aggregator.store.schema import open_engine, prepare_schema

NOW = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "schema.md"

# (name, SQL for SQLite, SQL for PostgreSQL, index that must serve it); the same text as the docs.
LATEST = """SELECT id, published_at, site, title, url
FROM articles
WHERE published_at IS NOT NULL
ORDER BY published_at DESC
LIMIT 50;"""
SITE_SQLITE = """SELECT id, published_at, title, url
FROM articles
WHERE site = 'elpais' AND published_at >= '2024-07-05 00:00:00'
ORDER BY published_at DESC;"""
SITE_POSTGRES = """SELECT id, published_at, title, url
FROM articles
WHERE site = 'elpais' AND published_at >= TIMESTAMPTZ '2024-07-05 00:00:00+00'
ORDER BY published_at DESC;"""
CHANGED = """SELECT id, change_seq, updated_at, site, title, url
FROM articles
WHERE change_seq > :last_change_seq
ORDER BY change_seq
LIMIT 1000;"""
SITE_CHANGED = """SELECT id, change_seq, updated_at, title, url
FROM articles
WHERE site = 'elpais' AND change_seq > :last_change_seq
ORDER BY change_seq
LIMIT 1000;"""
QUERIES = [
    ("latest", LATEST, LATEST, "ix_articles_published_at"),
    ("by site", SITE_SQLITE, SITE_POSTGRES, "ix_articles_site_published_at"),
    ("changed", CHANGED, CHANGED, "ix_articles_change_seq"),
    ("site changed", SITE_CHANGED, SITE_CHANGED, "ix_articles_site_change_seq"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def connection(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Connection]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'queries.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = open_engine(url)
    prepare_schema(engine)
    items = [
        ArticleItem(
            url=f"https://elpais.example/{n}",
            canonical_url=f"https://elpais.example/{n}",
            site="elpais" if n % 2 else "other",
            title=f"Story {n}",
            body=f"Story number {n} body text.",
            content_hash=f"h{n}",
            fetched_at=NOW,
            published_at=NOW - timedelta(hours=n),
        )
        for n in range(40)
    ]
    ArticleRepository(engine).save_batch(items)
    with engine.connect() as conn:
        if request.param == "postgresql":
            conn.execute(text("ANALYZE"))
            # A 40-row table is scanned whatever the indexes; ask whether one *can* serve.
            conn.execute(text("SET enable_seqscan = off"))
        yield conn
    engine.dispose()


def test_the_documented_queries_are_the_ones_tested() -> None:
    docs = DOCS.read_text()
    for _name, sqlite, postgres, _index in QUERIES:
        assert sqlite in docs and postgres in docs


@pytest.mark.parametrize(("name", "sqlite", "postgres", "index"), QUERIES)
def test_each_query_runs_and_uses_its_index(
    connection: Connection, name: str, sqlite: str, postgres: str, index: str
) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    query = (sqlite if is_sqlite else postgres).rstrip(";")
    params = {"last_change_seq": 10} if ":last_change_seq" in query else {}
    rows = connection.execute(text(query), params).all()
    expected = {"latest": 40, "by site": 6, "changed": 30, "site changed": 15}[name]
    assert len(rows) == expected
    explain = "EXPLAIN QUERY PLAN " if is_sqlite else "EXPLAIN "
    plan = " ".join(str(row) for row in connection.execute(text(explain + query), params))
    assert index in plan, plan
    if not is_sqlite:
        assert "Sort" not in plan, plan
    else:
        assert "TEMP B-TREE" not in plan, plan
