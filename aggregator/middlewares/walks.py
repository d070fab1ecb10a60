"""What the pagination middleware knows of each listing chain's walks, this crawl and before.

A chain (one start URL of a site and its next pages) is walked by a crawl from
its first page until the walk ends: at the last page of the listing (`end`),
at a page of stored articles whose backlog an earlier walk covered (`known`),
at `max_pages` (`max_pages`), at a next-page link that cannot be requested
(`invalid_next`), or at a listing page that is not HTML (`unreadable`).
`ChainWalks` reads what earlier crawls recorded when a crawl reaches a
chain's first page, marks the walk as begun, and records how it ended; a
walk that never ends (a killed crawl, a failed listing page) stays marked, so
the next crawl walks into the backlog again.

The store is optional and fails open: when the database cannot answer, every
chain counts as never walked (pagination goes on; nothing is lost, only
listing pages are read again), and nothing more is written this crawl.

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_DATABASE_TIMEOUT`, `AGGREGATOR_CLOCK` (read
by the middleware).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.clock import Clock
from aggregator.store.bounds import DEFAULT_TIMEOUT
from aggregator.store.chains import ChainRepository, ChainState
from aggregator.store.schema import open_engine

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Walk:
    """One chain's walk in this crawl."""

    prior: ChainState | None
    """What earlier crawls recorded; None when the chain was never walked."""
    deepest: int = 1
    ended: str | None = None
    """Why the walk ended, once it has."""
    backlog_pages: set[int] = field(default_factory=set)
    """Depths of known pages read on because the backlog behind them was unwalked."""


def _unwalked(walk: Walk) -> bool:
    if walk.ended in (None, "invalid_next", "unreadable"):
        return True
    cut_short = walk.ended == "max_pages"
    return cut_short and not (walk.prior is not None and walk.prior.complete)


class ChainWalks:
    """Per-chain walks of one crawl, backed by the `listing_chains` table."""

    def __init__(
        self,
        database_url: str | None,
        site: str,
        clock: Clock,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.database_url = database_url
        self.timeout = timeout
        self.site = site
        self.clock = clock
        self.engine: Engine | None = None
        self.repository: ChainRepository | None = None
        self.available = database_url is not None
        self.walks: dict[str, Walk] = {}

    def _repository(self) -> ChainRepository | None:
        if not self.available or self.database_url is None:
            return None
        if self.repository is None:
            self.engine = open_engine(self.database_url, timeout=self.timeout)
            self.repository = ChainRepository(self.engine)
        return self.repository

    def _failed(self, exc: SQLAlchemyError) -> None:
        self.available = False
        logger.warning(
            "Listing chains not recorded this crawl, the store cannot tell: %s "
            "(pagination reads on into every backlog)",
            exc,
        )

    def walk(self, chain: str) -> Walk:
        """This crawl's walk of `chain`, begun (and recorded as begun) on first use."""
        if chain in self.walks:
            return self.walks[chain]
        prior: ChainState | None = None
        try:
            repository = self._repository()
            if repository is not None:
                prior = repository.begin(self.site, chain, self.clock())
        except SQLAlchemyError as exc:
            self._failed(exc)
        self.walks[chain] = walk = Walk(prior)
        return walk

    def end(self, chain: str, depth: int, reason: str) -> None:
        """Record that the walk of `chain` ended at page `depth` for `reason`."""
        walk = self.walk(chain)
        if walk.ended is not None:
            return
        walk.ended = reason
        walk.deepest = max(walk.deepest, depth)
        prior = walk.prior or ChainState()
        if reason == "known":
            # The rest was walked before: keep what that walk reached.
            complete, reached = prior.complete, max(prior.walked_depth, walk.deepest)
        else:
            complete, reached = reason == "end", walk.deepest
        try:
            repository = self._repository()
            if repository is not None:
                repository.finish(
                    self.site, chain, depth=reached, complete=complete, reason=reason,
                    now=self.clock(),
                )  # fmt: skip
        except SQLAlchemyError as exc:
            self._failed(exc)

    def unwalked(self) -> list[str]:
        """Chains of this crawl whose backlog is still unwalked: their walk did not end,
        or was cut by `max_pages` before any crawl reached the end of the listing."""
        return [chain for chain, walk in self.walks.items() if _unwalked(walk)]

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
            self.repository = None
