"""All SQL about crawl runs: the `crawl_runs` rows the crawl run writes and operators read.

A run is inserted as `running` when its spider opens and completed when it
closes (`finish`); a run whose opening could not be recorded is inserted
whole at close. Readers order runs by start time, then id, because a frozen
clock (tests) gives many runs the same start time.

Statuses: `running`, `ok` (every health check passed), `failed` (a check
failed, or the crawl did not finish when checks are off), `skipped` (refused
because another run of the same site held the lock). Only `ok` and `failed`
runs count as history for the health checks and for "change since the
previous run".
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from aggregator.health.figures import COUNTED_COLUMNS, json_safe
from aggregator.store.models import CrawlRun

RUNNING, OK, FAILED, SKIPPED = "running", "ok", "failed", "skipped"
COMPLETED = (OK, FAILED)


@dataclass(slots=True)
class RunRecord:
    """Everything known about a run when its spider closes."""

    spider: str
    site: str | None
    started_at: datetime
    finished_at: datetime
    finish_reason: str | None
    status: str
    failed_checks: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    """The counted columns (`COUNTED_COLUMNS`, declared once in `aggregator.health.figures`)."""
    identity: dict[str, Any] = field(default_factory=dict)
    """`worker_host`, `worker_pid`, `job_id` of a crawl started by `scrapy worker`, else empty."""

    def columns(self) -> dict[str, Any]:
        """The row's column values: the fields, with `counts` spread into its columns."""
        spread = ("counts", "identity")
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in spread}
        values.update(self.identity)
        values.update({name: int(self.counts.get(name, 0)) for name in COUNTED_COLUMNS})
        return values

    def to_json(self) -> dict[str, Any]:
        """The record as JSON (the crawl run spools it when the database is down at close)."""
        data: dict[str, Any] = json_safe({f.name: getattr(self, f.name) for f in fields(self)})
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        """A record read back from its JSON (KeyError, ValueError or TypeError when malformed)."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for moment in ("started_at", "finished_at"):
            values[moment] = datetime.fromisoformat(str(data[moment]))
        return cls(**values)


def _newest_first(query: Select[CrawlRun]) -> Select[CrawlRun]:
    return query.order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())


class CrawlRunRepository:
    """Reads and writes `crawl_runs`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def has_table(self) -> bool:
        """Whether the schema exists at all (a database never crawled into has none)."""
        return inspect(self.engine).has_table(CrawlRun.__tablename__)

    def start(self, *, spider: str, site: str | None, started_at: datetime, **identity: Any) -> int:
        """Insert a `running` row (with the worker's `identity`, if any); returns its id."""
        with Session(self.engine) as session, session.begin():
            run = CrawlRun(
                spider=spider, site=site, started_at=started_at, status=RUNNING, **identity
            )
            session.add(run)
            session.flush()
            return run.id

    def finish(self, run_id: int | None, record: RunRecord) -> int:
        """Complete row `run_id` with `record`, or insert it when there is none; returns the id."""
        with Session(self.engine) as session, session.begin():
            run = session.get(CrawlRun, run_id) if run_id is not None else None
            if run is None:
                run = CrawlRun()
                session.add(run)
            for name, value in record.columns().items():
                setattr(run, name, value)
            session.flush()
            return run.id

    def history(self, *, spider: str, site: str | None, limit: int) -> list[dict[str, Any]]:
        """Stats of the latest completed runs of this spider on this site, newest first."""
        query = select(CrawlRun.stats).where(
            CrawlRun.spider == spider, CrawlRun.site == site, CrawlRun.status.in_(COMPLETED)
        )
        query = query.order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
        with Session(self.engine) as session:
            return [dict(stats or {}) for stats in session.scalars(query)]

    def recent(self, *, site: str | None = None, limit: int = 20) -> list[CrawlRun]:
        """The latest runs (of one site, or all), newest first."""
        query = select(CrawlRun)
        if site is not None:
            query = query.where(CrawlRun.site == site)
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(_newest_first(query).limit(limit)))

    def previous(self, run: CrawlRun) -> CrawlRun | None:
        """The completed run of the same site just before `run`, if any."""
        earlier = (CrawlRun.started_at < run.started_at) | (
            (CrawlRun.started_at == run.started_at) & (CrawlRun.id < run.id)
        )
        query = select(CrawlRun).where(
            CrawlRun.site == run.site, CrawlRun.status.in_(COMPLETED), earlier
        )
        with Session(self.engine, expire_on_commit=False) as session:
            return session.scalars(_newest_first(query).limit(1)).first()

    def last_runs(self, sites: list[str]) -> dict[str, CrawlRun]:
        """The latest run of each named site that has one."""
        found: dict[str, CrawlRun] = {}
        with Session(self.engine, expire_on_commit=False) as session:
            for site in sites:
                query = _newest_first(select(CrawlRun).where(CrawlRun.site == site)).limit(1)
                run = session.scalars(query).first()
                if run is not None:
                    found[site] = run
        return found
