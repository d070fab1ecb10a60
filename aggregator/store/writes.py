"""Writing one resolved round of plans: a few multi-row statements, whatever the batch size.

New articles go in with `INSERT … ON CONFLICT (url) DO NOTHING RETURNING id,
url`: the rows that come back are the ones this transaction created (psycopg 3
reports rowcount -1 for such inserts, so rows are never counted by rowcount).
An article another writer inserted meanwhile is not returned and is treated as
already stored. URL forms and copies are likewise inserted `ON CONFLICT`, so a
concurrent writer can never make a second row for one URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from aggregator.store.lookups import (
    article_ids_by_canonical,
    articles,
    bands,
    duplicates,
    fingerprints,
)
from aggregator.store.models import ArticleRevision
from aggregator.store.plans import Outcome, Plan
from aggregator.store.records import REVISION_FIELDS, article_values

revisions = cast(Table, ArticleRevision.__table__)


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table)
    return statement


def write_round(conn: Connection, plans: Sequence[Plan]) -> None:
    """Write every row a resolved round of plans needs."""
    _number_changes(conn, plans)
    _insert_articles(conn, [p for p in plans if p.outcome is Outcome.INSERTED])
    for plan in plans:
        if plan.original is not None:
            plan.article_id = plan.original.article_id
    _record_urls(conn, [p for p in plans if not p.outcome.is_copy])
    _apply_updates(conn, [p for p in plans if p.outcome is Outcome.UPDATED])
    _touch(conn, [p for p in plans if p.outcome is Outcome.UNCHANGED])
    _record_copies(conn, [p for p in plans if p.outcome.is_copy])
    _store_fingerprints(conn, [p for p in plans if p.fingerprint and not p.outcome.is_copy])


def _number_changes(conn: Connection, plans: Sequence[Plan]) -> None:
    """Give each insert and update the next `change_seq`, in batch order.

    Writers take turns (see `schema.writer` and `schema.lock_writers`), so the
    largest stored number plus one is free and numbers grow in commit order:
    a reader that remembers the largest one it read misses nothing, which no
    timestamp can promise (a spooled article arrives after newer ones).
    """
    changed = [p for p in plans if p.outcome in (Outcome.INSERTED, Outcome.UPDATED)]
    if changed:
        last = conn.scalar(select(func.max(articles.c.change_seq))) or 0
        for offset, plan in enumerate(changed, start=1):
            plan.change_seq = last + offset


def _insert_articles(conn: Connection, plans: list[Plan]) -> None:
    if not plans:
        return
    rows = []
    for plan in plans:
        seen = plan.item.fetched_at
        rows.append(
            {
                **article_values(plan.item),
                "url": plan.canonical,
                "change_seq": plan.change_seq,
                "first_seen_at": seen,
                "last_seen_at": seen,
                "updated_at": seen,
            }
        )
    statement = (
        _insert(conn, articles)
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(articles.c.id, articles.c.url)
    )
    created = {row.url: row.id for row in conn.execute(statement, rows)}
    raced = [p for p in plans if p.canonical not in created]
    existing = article_ids_by_canonical(conn, (p.canonical for p in raced)) if raced else {}
    for plan in plans:
        if plan.canonical in created:
            plan.article_id = created[plan.canonical]
        else:
            # Another crawler stored this URL between our lookup and our insert.
            plan.article_id = existing[plan.canonical]
            plan.outcome = Outcome.UNCHANGED
            plan.fingerprint = None


def _record_urls(conn: Connection, plans: list[Plan]) -> None:
    rows = [
        (form, plan.article_id)
        for plan in plans
        for form in plan.forms
        if form not in plan.known_forms
    ]
    _executemany(
        conn,
        "INSERT INTO article_urls (url, article_id) VALUES ({0}, {0}) ON CONFLICT (url) DO NOTHING",
        rows,
    )


def _apply_updates(conn: Connection, plans: list[Plan]) -> None:
    if not plans:
        return
    history = []
    changes = []
    for plan in plans:
        assert plan.stored is not None
        seen = plan.item.fetched_at
        history.append(
            {
                "article_id": plan.article_id,
                **{name: plan.stored.values[name] for name in REVISION_FIELDS},
                "stored_at": plan.stored.updated_at,
                "replaced_at": seen,
            }
        )
        values = {
            **article_values(plan.item),
            "last_seen_at": max(seen, plan.stored.last_seen_at),  # type: ignore[type-var]
            "updated_at": seen,
            "change_seq": plan.change_seq,
        }
        # Bound names must differ from column names in UPDATE … SET.
        changes.append({"key": plan.article_id, **{f"v_{k}": v for k, v in values.items()}})
    conn.execute(revisions.insert(), history)
    columns: dict[str, Any] = {name[2:]: bindparam(name) for name in changes[0] if name != "key"}
    conn.execute(update(articles).where(articles.c.id == bindparam("key")).values(columns), changes)


def _touch(conn: Connection, plans: list[Plan]) -> None:
    rows = [
        {"key": plan.article_id, "seen": plan.item.fetched_at}
        for plan in plans
        if plan.stored is None or plan.item.fetched_at > plan.stored.last_seen_at  # type: ignore[operator]
    ]
    if rows:
        statement = (
            update(articles)
            .where(articles.c.id == bindparam("key"))
            .values(last_seen_at=bindparam("seen"))
        )
        conn.execute(statement, rows)


def _record_copies(conn: Connection, plans: list[Plan]) -> None:
    if not plans:
        return
    rows = [
        {
            "url": plan.canonical,
            "site": plan.item.site,
            "title": plan.item.title,
            "kind": plan.outcome.value.removeprefix("duplicate_"),
            "similarity": round(plan.similarity, 4),
            "article_id": plan.article_id,
            "first_seen_at": plan.item.fetched_at,
            "last_seen_at": plan.item.fetched_at,
        }
        for plan in plans
    ]
    statement = _insert(conn, duplicates)
    newer = statement.excluded.last_seen_at > duplicates.c.last_seen_at
    statement = statement.on_conflict_do_update(
        index_elements=["url"],
        set_={
            "last_seen_at": case(
                (newer, statement.excluded.last_seen_at), else_=duplicates.c.last_seen_at
            )
        },
    )
    conn.execute(statement, rows)


def _store_fingerprints(conn: Connection, plans: list[Plan]) -> None:
    if not plans:
        return
    replaced = [p.article_id for p in plans if p.outcome is Outcome.UPDATED]
    if replaced:
        conn.execute(delete(bands).where(bands.c.article_id.in_(replaced)))
        conn.execute(delete(fingerprints).where(fingerprints.c.article_id.in_(replaced)))
    # Ten band rows per article: plain driver executemany, without per-value processing.
    _executemany(
        conn,
        "INSERT INTO article_fingerprints (article_id, signature) VALUES ({0}, {0})",
        [(p.article_id, p.fingerprint.signature) for p in plans if p.fingerprint],
    )
    _executemany(
        conn,
        "INSERT INTO article_bands (band_key, article_id) VALUES ({0}, {0})",
        [
            (key, p.article_id)
            for p in plans
            if p.fingerprint
            for key in set(p.fingerprint.band_keys)
        ],
    )


def _executemany(conn: Connection, template: str, rows: list[tuple[Any, ...]]) -> None:
    """Run `template` (placeholders written `{0}`) once per row through the driver."""
    placeholder = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if rows:
        conn.exec_driver_sql(template.format(placeholder), rows)
