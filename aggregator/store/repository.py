"""All SQL of the project goes through here: saving batches of articles and reading them back.

`ArticleRepository.save_batch` writes a batch of cleaned, dated articles in
one transaction (writers take turns: SQLite's BEGIN IMMEDIATE, a PostgreSQL
advisory lock). Each article ends as one `Outcome`: inserted; updated (title,
body or modified date changed, the previous version kept in
`article_revisions`); unchanged (only `last_seen_at` moves); or a duplicate,
exact (same content hash) or near (a syndicated copy on another site),
recorded in `article_duplicates` against the stored article. The decisions are
`plans` (values, final once made), the statements `writes` (which answer
with values too: ids and outcomes after races), the lookups `lookups`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from aggregator.items import ArticleItem
from aggregator.store.lookups import KnownUrl, known_urls
from aggregator.store.models import Article
from aggregator.store.plans import Outcome, resolve, rounds
from aggregator.store.schema import lock_writers, writer
from aggregator.store.writes import write_round

__all__ = ["DEFAULT_NEAR_THRESHOLD", "ArticleRepository", "KnownUrl", "Outcome"]

# Estimated Jaccard similarity of 5-word shingles from which a copy counts as the same story.
DEFAULT_NEAR_THRESHOLD = 0.7


class ArticleRepository:
    """Reads and writes articles, their URL forms, revisions, copies and fingerprints."""

    def __init__(self, engine: Engine, *, near_threshold: float = DEFAULT_NEAR_THRESHOLD) -> None:
        self.engine = engine
        self.near_threshold = near_threshold

    def save_batch(self, items: Sequence[ArticleItem]) -> list[Outcome]:
        """Save every item in one transaction; one outcome per item, in order."""
        if not items:
            return []
        outcomes: list[Outcome | None] = [None] * len(items)
        with writer(self.engine).begin() as conn:
            lock_writers(conn)
            for batch_round in rounds(items):
                decisions = resolve(conn, batch_round, self.near_threshold)
                for plan, written in zip(batch_round, write_round(conn, decisions), strict=True):
                    outcomes[plan.position] = written.outcome
        return [outcome for outcome in outcomes if outcome is not None]

    def known(self, urls: Sequence[str]) -> dict[str, KnownUrl]:
        """Which of `urls` are stored (as an article's URL form or as a copy's URL)."""
        with self.engine.connect() as conn:
            return known_urls(conn, urls)

    def count(self) -> int:
        """How many articles are stored."""
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(Article)) or 0
