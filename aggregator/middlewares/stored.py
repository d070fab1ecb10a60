"""Which URLs the store already holds, for the incremental-crawling middlewares.

A URL counts as stored when it, or its canonical form, is a recorded URL
form of an article or the URL of a recorded copy. The lookup fails open:
when the database cannot answer, nothing counts as stored (everything is
fetched, and the store pipeline spools what it cannot save), and the lookup
stays off for the rest of the crawl rather than waiting on a dead server for
every request.

Settings: `AGGREGATOR_DATABASE_URL` (read by the middlewares).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.store.repository import ArticleRepository, KnownUrl
from aggregator.store.schema import open_engine
from aggregator.urls import canonical_url

logger = logging.getLogger(__name__)


class StoredUrls:
    """Read-only, lazily connected view of the stored URLs."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: Engine | None = None
        self.repository: ArticleRepository | None = None
        self.available = True

    def find(self, urls: Sequence[str]) -> dict[str, KnownUrl] | None:
        """For each of `urls` that is stored, what the store knows; None when it cannot tell."""
        if not self.available:
            return None
        forms = {url: list(dict.fromkeys([url, canonical_url(url)])) for url in urls}
        try:
            if self.repository is None:
                self.engine = open_engine(self.database_url)
                self.repository = ArticleRepository(self.engine)
            found = self.repository.known([f for group in forms.values() for f in group])
        except SQLAlchemyError as exc:
            self.available = False
            logger.warning(
                "Incremental crawling off for this crawl, the store cannot tell: %s", exc
            )
            return None
        return {
            url: next(found[f] for f in group if f in found)
            for url, group in forms.items()
            if any(f in found for f in group)
        }

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
