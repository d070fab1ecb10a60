"""The store pipeline's database side: one engine, opened on first use, used from one thread.

`StoreSession` opens the engine (with the bounded waits of `open_engine`),
checks the schema, replays leftover spool files and saves batches. Every
method blocks, and the store pipeline calls them on its worker thread, one
at a time; each raises `DatabaseUnavailable` when the database cannot be
used, and answers with values (outcomes, refused items, a replay report)
that the pipeline counts on the reactor thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.items import ArticleItem
from aggregator.store.delivery import (
    DatabaseUnavailable,
    Refused,
    ReplayReport,
    replay_spool,
    save_or_isolate,
)
from aggregator.store.plans import Outcome
from aggregator.store.repository import DEFAULT_NEAR_THRESHOLD, ArticleRepository
from aggregator.store.schema import DEFAULT_TIMEOUT, SchemaError, open_engine, prepare_schema


class StoreSession:
    """Connects lazily, and again after a failure; never raises anything but DatabaseUnavailable."""

    def __init__(
        self,
        database_url: str,
        *,
        spool_dir: Path,
        timeout: float | None = DEFAULT_TIMEOUT,
        near_threshold: float = DEFAULT_NEAR_THRESHOLD,
    ) -> None:
        self.database_url = database_url
        self.spool_dir = spool_dir
        self.timeout = timeout
        self.near_threshold = near_threshold
        self.engine: Engine | None = None
        self.repository: ArticleRepository | None = None

    def connect(self) -> ArticleRepository:
        """The repository, opening the database and checking its schema first if needed."""
        if self.repository is not None:
            return self.repository
        try:
            self.engine = self.engine or open_engine(self.database_url, timeout=self.timeout)
            prepare_schema(self.engine)
        except (SQLAlchemyError, SchemaError) as exc:
            raise DatabaseUnavailable(str(exc).splitlines()[0] if str(exc) else repr(exc)) from exc
        self.repository = ArticleRepository(self.engine, near_threshold=self.near_threshold)
        return self.repository

    def replay(self, batch_size: int, skip: Path | None) -> ReplayReport:
        """Store the spool files earlier crawls left (but `skip`, this crawl's own)."""
        return replay_spool(self.spool_dir, self.connect(), batch_size, skip=skip)

    def save(self, items: Sequence[ArticleItem]) -> tuple[list[Outcome], Refused]:
        """Save `items` in one transaction; (outcomes of those stored, those refused with why)."""
        return save_or_isolate(self.connect(), items)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
