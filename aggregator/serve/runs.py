"""Every read of crawl runs the server makes, in one place.

Lists of runs come from `aggregator.store.runs.CrawlRunRepository`, the
repository the crawl-run recorder writes through; one run by id comes from
`aggregator.store.reader`. If the repository's names change, only this module
follows.
"""

from __future__ import annotations

from sqlalchemy import Engine

from aggregator.store import reader
from aggregator.store.models import CrawlRun
from aggregator.store.runs import CrawlRunRepository


def recent_runs(engine: Engine, *, site: str | None, limit: int) -> list[CrawlRun]:
    """The latest runs, newest first."""
    return CrawlRunRepository(engine).recent(site=site, limit=limit)


def last_runs(engine: Engine, sites: list[str]) -> dict[str, CrawlRun]:
    """The latest run of each site that has one."""
    return CrawlRunRepository(engine).last_runs(sites)


def one_run(engine: Engine, run_id: int) -> CrawlRun | None:
    """One run, or None."""
    return reader.run(engine, run_id)
