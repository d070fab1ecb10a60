"""Which URLs the store already holds, for the incremental-crawling middlewares.

A URL counts as stored when it, or its canonical form, is a recorded URL
form of an article or the URL of a recorded copy. The lookup fails open:
when the database cannot answer, nothing counts as stored (everything is
fetched, and the store pipeline spools what it cannot save), and the lookup
stays off for the rest of the crawl rather than waiting on a dead server for
every request.

One view is shared by a crawler's middlewares (`StoredUrls.shared`) and
remembers its answers, negative ones included: the pagination middleware asks
once for all the links of a listing page, and the incremental middleware then
answers each article request from memory instead of a query per request
(1.5 ms of the reactor thread per article, measured).

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_DATABASE_TIMEOUT` (read by the middlewares).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.store.bounds import DEFAULT_TIMEOUT, database_timeout
from aggregator.store.repository import ArticleRepository, KnownUrl
from aggregator.store.schema import open_engine
from aggregator.urls import canonical_url

logger = logging.getLogger(__name__)


# A crawl meets tens of thousands of URLs at most; past this, start the memory afresh.
MAX_REMEMBERED = 200_000

_SHARED: WeakKeyDictionary[Any, StoredUrls] = WeakKeyDictionary()


class StoredUrls:
    """Read-only, lazily connected, remembering view of the stored URLs."""

    def __init__(self, database_url: str, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self.database_url = database_url
        self.timeout = timeout
        self.engine: Engine | None = None
        self.repository: ArticleRepository | None = None
        self.available = True
        self.remembered: dict[str, KnownUrl | None] = {}

    @classmethod
    def shared(cls, crawler: Any) -> StoredUrls:
        """The one view of `crawler`'s database that all its middlewares use."""
        if crawler not in _SHARED:
            settings = crawler.settings
            _SHARED[crawler] = cls(
                settings.get("AGGREGATOR_DATABASE_URL"), database_timeout(settings)
            )
        return _SHARED[crawler]

    def find(self, urls: Sequence[str]) -> dict[str, KnownUrl] | None:
        """For each of `urls` that is stored, what the store knows; None when it cannot tell."""
        if not self.available:
            return None
        unknown = [url for url in dict.fromkeys(urls) if url not in self.remembered]
        if unknown and not self._look_up(unknown):
            return None
        return {url: known for url in urls if (known := self.remembered.get(url)) is not None}

    def _look_up(self, urls: list[str]) -> bool:
        forms = {url: list(dict.fromkeys([url, canonical_url(url)])) for url in urls}
        try:
            if self.repository is None:
                self.engine = open_engine(self.database_url, timeout=self.timeout)
                self.repository = ArticleRepository(self.engine)
            found = self.repository.known([f for group in forms.values() for f in group])
        except SQLAlchemyError as exc:
            self.available = False
            logger.warning(
                "Incremental crawling off for this crawl, the store cannot tell: %s", exc
            )
            return False
        if len(self.remembered) + len(urls) > MAX_REMEMBERED:
            self.remembered.clear()
        for url, group in forms.items():
            self.remembered[url] = next((found[f] for f in group if f in found), None)
        return True

    def close(self) -> None:
        """Release the connection pool (idempotent: every middleware closes it)."""
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
            self.repository = None
