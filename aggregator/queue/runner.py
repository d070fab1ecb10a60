"""Run one site-crawl job: `scrapy crawl <site>` in its own process, and act on how it ended.

Each crawl gets a fresh process (Twisted's reactor cannot restart inside the
worker), started with the worker's own command-line settings (`-s`) plus
the job's identity (`AGGREGATOR_JOB_ID`, `AGGREGATOR_WORKER_HOST`,
`AGGREGATOR_WORKER_PID`, which the crawl-run row records). The child asks
the kernel for SIGKILL when the worker dies (`PR_SET_PDEATHSIG`): a worker's
death takes its crawls with it, so no orphan keeps crawling, holding its host
lock, while the job is started again elsewhere. SIGKILL, not SIGTERM:
the kernel may send the signal more than once (once per thread of the dead
worker the child is passed through), and Scrapy takes a second SIGTERM as
"stop now, uncleanly" anyway. What the crawl had stored stays; what it had
only spooled is stored by the next crawl (or `scrapy db replay`); its run row
is marked `lost` by the worker that recovers the job.

How a job ends, by the crawl's exit status (see `aggregator/commands/crawl.py`):

- 0: done (`ok`).
- 75, the host lock is held by another crawl (`host_busy`): the job is queued
  again `AGGREGATOR_QUEUE_BUSY_RETRY_DELAY` seconds later and this one ends
  as succeeded; nothing was crawled. The worker checks the lock itself
  before starting a process, so a busy host costs no crawl start-up.
- the worker was stopping (SIGTERM forwarded to the crawl) and the crawl did
  not finish cleanly (`handed_back`): the job is queued again at once and
  this one fails.
- killed by a signal the worker did not send (`killed`): queued again at once
  up to `AGGREGATOR_QUEUE_MAX_RETRIES` times, and this one fails.
- anything else (`failed`: health check, usage error): this job fails; the
  scheduler queues the site again when it is next due.

Queueing again respects the one-waiting-job-per-site rule: when the site is
already waiting, that job covers it. Each outcome is counted per worker
(`scrapy workers` shows the counts).

Settings: `AGGREGATOR_QUEUE_BUSY_RETRY_DELAY`, `AGGREGATOR_QUEUE_MAX_RETRIES`,
`AGGREGATOR_DATABASE_URL` (the host lock's database).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg

from aggregator.queue.broker import defer_crawl
from aggregator.run.pglock import conninfo, host_key, normalise_hosts

if TYPE_CHECKING:
    import procrastinate

logger = logging.getLogger(__name__)

EXIT_LOCKED = 75
_PR_SET_PDEATHSIG = 1


def mark_runs_lost(database_url: str, job_id: int, reason: str) -> None:
    """Mark the job's still-`running` crawl_runs rows `lost` (blocking; errors only logged)."""
    from sqlalchemy.exc import SQLAlchemyError

    from aggregator.store.jobruns import mark_lost
    from aggregator.store.schema import open_engine

    if not database_url:
        return
    engine = open_engine(database_url)
    try:
        if mark_lost(engine, str(job_id), reason, datetime.now(UTC)):
            logger.warning("Job %s: its crawl run is marked lost (%s)", job_id, reason)
    except SQLAlchemyError as exc:
        logger.warning("Job %s: could not mark its crawl run lost: %s", job_id, exc)
    finally:
        engine.dispose()


class CrawlFailed(Exception):
    """The crawl did not complete; the message says how it ended."""


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when the worker that started it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass(slots=True)
class RunningCrawl:
    site: str
    job_id: int
    started_at: datetime
    process: asyncio.subprocess.Process

    def describe(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "job_id": self.job_id,
            "pid": self.process.pid,
            "started_at": self.started_at.isoformat(),
        }


@dataclass
class CrawlRunner:
    """Runs jobs for one worker; knows the settings to pass on and what is running."""

    site_hosts: dict[str, Sequence[str]]
    settings_args: list[str]
    database_url: str
    busy_retry_delay: float = 60.0
    max_retries: int = 2
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    running: dict[int, RunningCrawl] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    stopping: bool = False

    def command(self, site: str, job_id: int) -> list[str]:
        identity = {
            "AGGREGATOR_JOB_ID": str(job_id),
            "AGGREGATOR_WORKER_HOST": self.host,
            "AGGREGATOR_WORKER_PID": str(self.pid),
        }
        extra = [arg for key, value in identity.items() for arg in ("-s", f"{key}={value}")]
        return [sys.executable, "-m", "scrapy", "crawl", site, *self.settings_args, *extra]

    def stop(self) -> None:
        """Forward SIGTERM to every running crawl: Scrapy closes each gracefully."""
        self.stopping = True
        for crawl in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                crawl.process.send_signal(signal.SIGTERM)

    async def run(self, app: procrastinate.App, job_id: int, site: str, retries: int) -> str:
        """Run one job to its outcome; raises `CrawlFailed` for the outcomes that fail it."""
        if self.stopping:
            await self._requeue(app, site, 0, "handed back before it started")
            raise CrawlFailed("the worker is stopping")
        if site in self.site_hosts and await self._host_busy(site):
            return await self._busy(app, site, job_id)
        process = await asyncio.create_subprocess_exec(
            *self.command(site, job_id), preexec_fn=_die_with_parent, start_new_session=True
        )
        self.running[job_id] = RunningCrawl(site, job_id, datetime.now(UTC), process)
        logger.info("Job %s: crawling %s (pid %s)", job_id, site, process.pid)
        try:
            status = await process.wait()
        finally:
            del self.running[job_id]
        return await self._outcome(app, job_id, site, retries, status)

    async def _outcome(
        self, app: procrastinate.App, job_id: int, site: str, retries: int, status: int
    ) -> str:
        if status == 0:
            self.counts["ok"] += 1
            logger.info("Job %s: %s crawled", job_id, site)
            return "ok"
        if status == EXIT_LOCKED:
            return await self._busy(app, site, job_id)
        if self.stopping:
            self.counts["handed_back"] += 1
            await self._requeue(app, site, 0, "handed back (worker stopping)")
            raise CrawlFailed(f"{site}: interrupted by the worker's shutdown (exit {status})")
        if status < 0:
            self.counts["killed"] += 1
            how = signal.Signals(-status).name
            await asyncio.to_thread(mark_runs_lost, self.database_url, job_id, "crawl_killed")
            if retries < self.max_retries:
                await self._requeue(app, site, 0, f"killed by {how}", retries + 1)
            raise CrawlFailed(f"{site}: crawl killed by {how}")
        self.counts["failed"] += 1
        raise CrawlFailed(f"{site}: crawl exited with status {status} (see its log)")

    async def _busy(self, app: procrastinate.App, site: str, job_id: int) -> str:
        self.counts["host_busy"] += 1
        logger.info("Job %s: a host of %s is being crawled elsewhere", job_id, site)
        await self._requeue(app, site, self.busy_retry_delay, "host busy")
        return "host_busy"

    async def _requeue(
        self, app: procrastinate.App, site: str, delay: float, why: str, retries: int = 0
    ) -> None:
        new_job = await defer_crawl(app, site, delay=delay, retries=retries)
        if new_job is None:
            logger.info("%s: %s; a job for it is already waiting", site, why)
        else:
            logger.info("%s: %s; queued again as job %s in %.0f s", site, why, new_job, delay)

    async def _host_busy(self, site: str) -> bool:
        """Whether any host of the site is locked right now (a cheap look; the crawl decides)."""
        if not self.database_url.startswith("postgresql"):
            return False
        keys = [host_key(host) for host in normalise_hosts(self.site_hosts[site])]
        try:
            async with await psycopg.AsyncConnection.connect(
                conninfo(self.database_url), autocommit=True, connect_timeout=10
            ) as conn:
                cursor = await conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND objsubid = 1 AND (classid::bigint << 32) | objid::bigint = ANY(%s)",
                    (keys,),
                )
                row = await cursor.fetchone()
        except psycopg.Error:
            return False  # let the crawl find out (it spools when the database is away)
        return bool(row and row[0])
