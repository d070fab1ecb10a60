"""Read queries behind deduplication and incremental crawling: one indexed lookup per batch.

Every function takes a whole batch of keys and answers with one query (or
one per `CHUNK` keys), so the cost per article stays flat as the tables grow:
`article_urls.url`, `article_duplicates.url`, `articles.content_hash` and
`article_bands.band_key` are all indexed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Row, Select, Table, select

from aggregator.store.models import (
    Article,
    ArticleBand,
    ArticleDuplicate,
    ArticleFingerprint,
    ArticleUrl,
)

# Bound parameters per IN list: below SQLite's 32,766 and PostgreSQL's 65,535 limits.
CHUNK = 5000

# Core tables of the models: batches are written and read with multi-row statements.
articles = cast(Table, Article.__table__)
article_urls = cast(Table, ArticleUrl.__table__)
duplicates = cast(Table, ArticleDuplicate.__table__)
fingerprints = cast(Table, ArticleFingerprint.__table__)
bands = cast(Table, ArticleBand.__table__)

T = TypeVar("T")


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, without duplicates."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def _rows(
    conn: Connection, keys: Iterable[Any], query: Callable[[list[Any]], Select[Any]]
) -> Iterator[Row[Any]]:
    """The rows of `query(part)` for every chunk of `keys`."""
    for part in chunks(keys):
        yield from conn.execute(query(part))


def article_ids_by_url(conn: Connection, urls: Iterable[str]) -> dict[str, int]:
    """For each URL form already recorded, the article it belongs to."""
    rows = _rows(
        conn,
        urls,
        lambda part: select(article_urls.c.url, article_urls.c.article_id).where(
            article_urls.c.url.in_(part)
        ),
    )
    return {row.url: row.article_id for row in rows}


def article_ids_by_canonical(conn: Connection, urls: Iterable[str]) -> dict[str, int]:
    """For each canonical URL stored in `articles.url`, its article id."""
    rows = _rows(
        conn,
        urls,
        lambda part: select(articles.c.url, articles.c.id).where(articles.c.url.in_(part)),
    )
    return {row.url: row.id for row in rows}


def duplicates_by_url(conn: Connection, urls: Iterable[str]) -> dict[str, tuple[int, str]]:
    """For each URL recorded as a copy, (the article it copies, the kind of copy)."""
    rows = _rows(
        conn,
        urls,
        lambda part: select(duplicates.c.url, duplicates.c.article_id, duplicates.c.kind).where(
            duplicates.c.url.in_(part)
        ),
    )
    return {row.url: (row.article_id, row.kind) for row in rows}


@dataclass(slots=True)
class StoredArticle:
    """What an update needs to know about the stored version."""

    id: int
    values: dict[str, Any]
    last_seen_at: datetime
    updated_at: datetime


_STORED = ("title", "body", "summary", "modified_at", "content_hash")


def articles_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, StoredArticle]:
    """The stored versions of these articles."""
    columns = [articles.c[name] for name in ("id", *_STORED, "last_seen_at", "updated_at")]
    rows = _rows(conn, ids, lambda part: select(*columns).where(articles.c.id.in_(part)))
    found = {}
    for row in rows:
        values = {name: row._mapping[name] for name in _STORED}
        found[row.id] = StoredArticle(row.id, values, row.last_seen_at, row.updated_at)
    return found


def articles_by_hash(conn: Connection, hashes: Iterable[str]) -> dict[str, int]:
    """For each content hash already stored, the oldest article with it."""
    rows = _rows(
        conn,
        hashes,
        lambda part: (
            select(articles.c.content_hash, articles.c.id)
            .where(articles.c.content_hash.in_(part))
            .order_by(articles.c.id.desc())
        ),
    )
    return {row.content_hash: row.id for row in rows}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article sharing at least one band key with a new one."""

    article_id: int
    site: str
    signature: bytes


def near_candidates(conn: Connection, keys: Iterable[int]) -> dict[int, list[Candidate]]:
    """For each band key, the stored articles that have it, with their signatures."""
    owners: dict[int, list[int]] = {}
    for part in chunks(keys):
        # Hundreds of integer keys per batch: plain driver SQL, without per-value processing.
        marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(part))
        query = f"SELECT band_key, article_id FROM article_bands WHERE band_key IN ({marks})"
        for band_key, article_id in conn.exec_driver_sql(query, tuple(part)):
            owners.setdefault(band_key, []).append(article_id)
    details = _rows(
        conn,
        {article_id for group in owners.values() for article_id in group},
        lambda part: (
            select(fingerprints.c.article_id, fingerprints.c.signature, articles.c.site)
            .join(articles, articles.c.id == fingerprints.c.article_id)
            .where(fingerprints.c.article_id.in_(part))
        ),
    )
    by_id = {
        row.article_id: Candidate(row.article_id, row.site, bytes(row.signature)) for row in details
    }
    return {key: [by_id[i] for i in group if i in by_id] for key, group in owners.items()}


@dataclass(frozen=True, slots=True)
class KnownUrl:
    """A URL the store already holds, as an article's form or as a copy."""

    article_id: int
    is_copy: bool
    published_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    """When a crawl last fetched it (a copy: when it was first met)."""


def known_urls(conn: Connection, urls: Sequence[str]) -> dict[str, KnownUrl]:
    """Which of `urls` are stored, with the dates incremental crawling decides on."""
    found: dict[str, KnownUrl] = {}
    stored = _rows(
        conn,
        urls,
        lambda part: (
            select(
                article_urls.c.url,
                articles.c.id,
                articles.c.published_at,
                articles.c.first_seen_at,
                articles.c.last_seen_at,
            )
            .join(articles, articles.c.id == article_urls.c.article_id)
            .where(article_urls.c.url.in_(part))
        ),
    )
    for row in stored:
        found[row.url] = KnownUrl(
            row.id, False, row.published_at, row.first_seen_at, row.last_seen_at
        )
    copies = _rows(
        conn,
        [url for url in urls if url not in found],
        lambda part: select(
            duplicates.c.url, duplicates.c.article_id, duplicates.c.first_seen_at
        ).where(duplicates.c.url.in_(part)),
    )
    for row in copies:
        found[row.url] = KnownUrl(row.article_id, True, None, row.first_seen_at, row.first_seen_at)
    return found
