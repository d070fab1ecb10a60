"""Writing one resolved round of plans: a few multi-row statements, whatever the batch size.

New articles go in with `INSERT … ON CONFLICT (url) DO NOTHING RETURNING id,
url`: the rows that come back are the ones this transaction created (psycopg 3
reports rowcount -1 for such inserts, so rows are never counted by rowcount).
An article another writer inserted meanwhile is not returned and is treated as
already stored. URL forms and copies are likewise inserted `ON CONFLICT`, so a
concurrent writer can never make a second row for one URL.

The decisions are never changed here: `write_round` answers each with a
`Written` value, the article id it ended with and its final outcome (an
insert lost to a concurrent writer ends `unchanged`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, cast

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
from aggregator.store.plans import Decision, Outcome
from aggregator.store.records import REVISION_FIELDS, article_values

revisions = cast(Table, ArticleRevision.__table__)


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table)
    return statement


class Written(NamedTuple):
    """What writing one decision did: the article it ended with, and its final outcome."""

    outcome: Outcome
    article_id: int


# A decision and what its write did, side by side.
Pair = tuple[Decision, Written]


def write_round(conn: Connection, decisions: Sequence[Decision]) -> list[Written]:
    """Write every row a resolved round needs; what each decision ended as, in order."""
    numbers = _number_changes(conn, decisions)
    created = _insert_articles(conn, decisions, numbers)
    written = _settle(decisions, created)
    pairs = list(zip(decisions, written, strict=True))
    _record_urls(conn, [(d, w) for d, w in pairs if not d.outcome.is_copy])
    _apply_updates(
        conn, [(d, w, numbers[i]) for i, (d, w) in enumerate(pairs) if w.outcome is Outcome.UPDATED]
    )
    _touch(conn, [(d, w) for d, w in pairs if w.outcome is Outcome.UNCHANGED])
    _record_copies(conn, [(d, w) for d, w in pairs if d.outcome.is_copy])
    _store_fingerprints(
        conn,
        [(d, w) for d, w in pairs if d.fingerprint and w.outcome in _FINGERPRINTED],
    )
    return written


# A lost insert keeps no fingerprint of ours: the stored article has its own.
_FINGERPRINTED = (Outcome.INSERTED, Outcome.UPDATED)


def _number_changes(conn: Connection, decisions: Sequence[Decision]) -> dict[int, int]:
    """The next `change_seq` for each insert and update (by index), in batch order.

    Writers take turns (see `schema.writer` and `schema.lock_writers`), so the
    largest stored number plus one is free and numbers grow in commit order:
    a reader that remembers the largest one it read misses nothing, which no
    timestamp can promise (a spooled article arrives after newer ones).
    """
    changed = [
        i for i, d in enumerate(decisions) if d.outcome in (Outcome.INSERTED, Outcome.UPDATED)
    ]
    if not changed:
        return {}
    last = conn.scalar(select(func.max(articles.c.change_seq))) or 0
    return {index: last + offset for offset, index in enumerate(changed, start=1)}


def _insert_articles(
    conn: Connection, decisions: Sequence[Decision], numbers: dict[int, int]
) -> dict[int, tuple[int, bool]]:
    """Insert the new articles; for each (by index), its id and whether another writer won."""
    new = [(i, d) for i, d in enumerate(decisions) if d.outcome is Outcome.INSERTED]
    if not new:
        return {}
    rows = []
    for index, decision in new:
        seen = decision.item.fetched_at
        rows.append(
            {
                **article_values(decision.item),
                "url": decision.plan.canonical,
                "change_seq": numbers[index],
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
    # Another crawler stored these URLs between our lookup and our insert.
    raced = [d.plan.canonical for _, d in new if d.plan.canonical not in created]
    existing = article_ids_by_canonical(conn, raced) if raced else {}
    ids = {}
    for index, decision in new:
        url = decision.plan.canonical
        ids[index] = (created[url], False) if url in created else (existing[url], True)
    return ids


def _settle(decisions: Sequence[Decision], created: dict[int, tuple[int, bool]]) -> list[Written]:
    """Each decision's final outcome and article id, once the new rows have their ids."""
    written: list[Written | None] = [None] * len(decisions)
    for index, (article_id, raced) in created.items():
        written[index] = Written(Outcome.UNCHANGED if raced else Outcome.INSERTED, article_id)
    for index, decision in enumerate(decisions):
        if written[index] is not None:
            continue
        if decision.original is not None:
            original = written[decision.original]
            assert original is not None, "a copy's original is new in the same round"
            written[index] = Written(decision.outcome, original.article_id)
        else:
            assert decision.article_id is not None
            written[index] = Written(decision.outcome, decision.article_id)
    return [w for w in written if w is not None]


def _record_urls(conn: Connection, pairs: list[Pair]) -> None:
    rows = [
        (form, written.article_id)
        for decision, written in pairs
        for form in decision.plan.forms
        if form not in decision.known_forms
    ]
    _executemany(
        conn,
        "INSERT INTO article_urls (url, article_id) VALUES ({0}, {0}) ON CONFLICT (url) DO NOTHING",
        rows,
    )


def _apply_updates(conn: Connection, updates: list[tuple[Decision, Written, int]]) -> None:
    if not updates:
        return
    history = []
    changes = []
    for decision, written, change_seq in updates:
        stored = decision.stored
        assert stored is not None
        seen = decision.item.fetched_at
        history.append(
            {
                "article_id": written.article_id,
                **{name: stored.values[name] for name in REVISION_FIELDS},
                "stored_at": stored.updated_at,
                "replaced_at": seen,
            }
        )
        values = {
            **article_values(decision.item),
            "last_seen_at": max(seen, stored.last_seen_at),  # type: ignore[type-var]
            "updated_at": seen,
            "change_seq": change_seq,
        }
        # Bound names must differ from column names in UPDATE … SET.
        changes.append({"key": written.article_id, **{f"v_{k}": v for k, v in values.items()}})
    conn.execute(revisions.insert(), history)
    columns: dict[str, Any] = {name[2:]: bindparam(name) for name in changes[0] if name != "key"}
    conn.execute(update(articles).where(articles.c.id == bindparam("key")).values(columns), changes)


def _touch(conn: Connection, pairs: list[Pair]) -> None:
    rows = [
        {"key": written.article_id, "seen": decision.item.fetched_at}
        for decision, written in pairs
        if decision.stored is None or decision.item.fetched_at > decision.stored.last_seen_at  # type: ignore[operator]
    ]
    if rows:
        statement = (
            update(articles)
            .where(articles.c.id == bindparam("key"))
            .values(last_seen_at=bindparam("seen"))
        )
        conn.execute(statement, rows)


def _record_copies(conn: Connection, pairs: list[Pair]) -> None:
    if not pairs:
        return
    rows = [
        {
            "url": decision.plan.canonical,
            "site": decision.item.site,
            "title": decision.item.title,
            "kind": decision.outcome.value.removeprefix("duplicate_"),
            "similarity": round(decision.similarity, 4),
            "article_id": written.article_id,
            "first_seen_at": decision.item.fetched_at,
            "last_seen_at": decision.item.fetched_at,
        }
        for decision, written in pairs
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


def _store_fingerprints(conn: Connection, pairs: list[Pair]) -> None:
    if not pairs:
        return
    replaced = [w.article_id for _, w in pairs if w.outcome is Outcome.UPDATED]
    if replaced:
        conn.execute(delete(bands).where(bands.c.article_id.in_(replaced)))
        conn.execute(delete(fingerprints).where(fingerprints.c.article_id.in_(replaced)))
    prints = [(w.article_id, d.fingerprint) for d, w in pairs if d.fingerprint]
    # Ten band rows per article: plain driver executemany, without per-value processing.
    _executemany(
        conn,
        "INSERT INTO article_fingerprints (article_id, signature) VALUES ({0}, {0})",
        [(article_id, print_.signature) for article_id, print_ in prints],
    )
    _executemany(
        conn,
        "INSERT INTO article_bands (band_key, article_id) VALUES ({0}, {0})",
        [(key, article_id) for article_id, print_ in prints for key in set(print_.band_keys)],
    )


def _executemany(conn: Connection, template: str, rows: list[tuple[Any, ...]]) -> None:
    """Run `template` (placeholders written `{0}`) once per row through the driver."""
    placeholder = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if rows:
        conn.exec_driver_sql(template.format(placeholder), rows)
