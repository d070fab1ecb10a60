"""All SQL about listing chains: how deep each site's pagination has been walked, and when.

A listing chain is one start URL of a site and the listing pages that follow
it. The pagination middleware stops at a page whose articles are all stored
only when an earlier crawl walked the pages behind it (see
`aggregator/middlewares/pagination.py`). One `listing_chains` row per
(site, start URL) records it:

- `walking_since`: a walk began at this time and has not finished (the crawl
  was killed, or a listing page failed). Set when a crawl reaches the chain's
  first page, cleared when its walk ends.
- `walked_depth`, `complete`, `stop_reason`, `walked_at`: how the last finished
  walk ended: how many pages deep it went, whether it reached the last page of
  the pagination, why it stopped (`end`, `known`, `max_pages`, `invalid_next`).

Nothing here reads settings or stats; the middleware does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.store.models import Base


class ListingChain(Base):
    """How far one listing chain (a site's start URL and its next pages) has been walked."""

    __tablename__ = "listing_chains"

    site: Mapped[str] = mapped_column(String(100), primary_key=True)
    start_url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    walked_depth: Mapped[int] = mapped_column(default=0)
    complete: Mapped[bool] = mapped_column(default=False)
    stop_reason: Mapped[str | None] = mapped_column(String(16))
    walked_at: Mapped[datetime | None]
    walking_since: Mapped[datetime | None]


@dataclass(frozen=True, slots=True)
class ChainState:
    """What the store knows of a chain before this crawl walks it."""

    walked_depth: int = 0
    complete: bool = False
    interrupted: bool = False
    """A walk began and never finished (killed crawl, failed listing page)."""
    walked_at: datetime | None = None

    def backlog_walked(self, max_pages: int) -> bool:
        """Whether the pages behind a known page were walked, as far as `max_pages` reaches."""
        if self.interrupted:
            return False
        return self.complete or self.walked_depth >= max_pages


class ChainRepository:
    """Reads and writes `listing_chains`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def begin(self, site: str, start_url: str, now: datetime) -> ChainState | None:
        """The chain's state before this walk (None: never walked); marks the walk begun."""
        with Session(self.engine) as session, session.begin():
            row = session.get(ListingChain, (site, start_url))
            if row is None:
                session.add(ListingChain(site=site, start_url=start_url, walking_since=now))
                return None
            state = ChainState(
                walked_depth=row.walked_depth,
                complete=row.complete,
                interrupted=row.walking_since is not None,
                walked_at=row.walked_at,
            )
            row.walking_since = now
            return state

    def finish(
        self, site: str, start_url: str, *, depth: int, complete: bool, reason: str, now: datetime
    ) -> None:
        """Record the end of a walk `depth` pages deep; `complete`: the end of the listing."""
        with Session(self.engine) as session, session.begin():
            row = session.get(ListingChain, (site, start_url))
            if row is None:
                row = ListingChain(site=site, start_url=start_url)
                session.add(row)
            row.walked_depth = depth
            row.complete = complete
            row.stop_reason = reason
            row.walked_at = now
            row.walking_since = None

    def unwalked(self, site: str) -> list[str]:
        """Start URLs of `site` whose last walk is unfinished or never reached the end."""
        query = select(ListingChain.start_url).where(
            ListingChain.site == site,
            (ListingChain.walking_since.is_not(None)) | (ListingChain.complete.is_(False)),
        )
        with Session(self.engine) as session:
            return list(session.scalars(query))
