"""Which sites are due, and the scheduler loop that queues them.

A site is due when it is enabled and its last crawl started (any run in
`crawl_runs`, on any machine) at least `every` seconds ago, or it never ran.
`scrapy enqueue --due` queues the due sites once; `scrapy scheduler` does so
at start, then queues each site again `every` seconds after it last queued
it. Only one scheduler should run (a second one only finds the sites already
waiting: a site has at most one waiting job, so nothing is doubled). The
decision at start reads the project clock (`AGGREGATOR_CLOCK`, as the runs
were stamped); the intervals after it are measured on the monotonic clock,
so a clock step never makes every site due at once.

Settings: `AGGREGATOR_SCHEDULER_TICK` (most seconds between two looks).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from aggregator.queue.broker import defer_crawl
from aggregator.sites import Site
from aggregator.store.jobruns import last_started
from aggregator.store.schema import open_engine

if TYPE_CHECKING:
    import procrastinate

logger = logging.getLogger(__name__)


def last_runs(database_url: str) -> dict[str, datetime]:
    """When each site's latest crawl started, read once from the database at `database_url`."""
    engine = open_engine(database_url)
    try:
        return last_started(engine)
    finally:
        engine.dispose()


def queued_line(name: str, job_id: int | None) -> str:
    """What `enqueue` and the scheduler print for one site they queued (or found queued)."""
    return f"queued {name} (job {job_id})" if job_id else f"waiting {name} (already queued)"


def due_sites(
    sites: Mapping[str, Site], last_started: Mapping[str, datetime], now: datetime
) -> list[str]:
    """Enabled sites never crawled or last started at least `every` ago, by name."""
    due = []
    for name in sorted(sites):
        site = sites[name]
        last = last_started.get(name)
        if site.enabled and (last is None or (now - last).total_seconds() >= site.every):
            due.append(name)
    return due


def first_delays(
    sites: Mapping[str, Site], last_started: Mapping[str, datetime], now: datetime
) -> dict[str, float]:
    """Seconds from now until each enabled site is due (0 when due already)."""
    delays = {}
    for name, site in sites.items():
        if not site.enabled:
            continue
        last = last_started.get(name)
        waited = (now - last).total_seconds() if last is not None else site.every
        delays[name] = max(site.every - waited, 0.0)
    return delays


async def enqueue(app: procrastinate.App, names: list[str]) -> list[tuple[str, int | None]]:
    """Queue one job per site; (site, job id or None when the site was already waiting)."""
    return [(name, await defer_crawl(app, name)) for name in names]


async def run_scheduler(
    app: procrastinate.App,
    sites: Mapping[str, Site],
    delays: Mapping[str, float],
    *,
    tick: float = 30.0,
    report: Callable[[str, int | None], None] | None = None,
) -> None:
    """Queue each site when due, for ever (cancel the task to stop)."""
    start = time.monotonic()
    next_at = {name: start + delay for name, delay in delays.items()}
    while True:
        now = time.monotonic()
        for name in sorted(next_at):
            if next_at[name] > now:
                continue
            try:
                job_id = await defer_crawl(app, name)
            except Exception as exc:  # the database may be restarting: try on the next look
                logger.warning("Could not queue %s: %s", name, exc)
                continue
            next_at[name] = now + sites[name].every
            if report is not None:
                report(name, job_id)
        wait = min([*next_at.values(), now + tick]) - time.monotonic()
        await asyncio.sleep(min(max(wait, 0.5), tick))
