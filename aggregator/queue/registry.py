"""Live workers, for operators: who runs where, what each is crawling, what came of its jobs.

Every worker keeps one row in `aggregator_queue.aggregator_workers` (name,
host, pid, concurrency, start, last seen, the crawls it runs now and its
outcome counts), refreshed every `AGGREGATOR_QUEUE_HEARTBEAT` seconds and
deleted when it stops cleanly. A row not refreshed for
`AGGREGATOR_QUEUE_STALLED_AFTER` seconds is a lost worker: `scrapy workers`
shows it as `lost` until a live worker's recovery (see `worker`) has handed
its jobs on and removes it.

Settings: `AGGREGATOR_QUEUE_HEARTBEAT`, `AGGREGATOR_QUEUE_STALLED_AFTER`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aggregator.queue.broker import SCHEMA
from aggregator.queue.runner import CrawlRunner

if TYPE_CHECKING:
    import procrastinate

_UPSERT = f"""
INSERT INTO {SCHEMA}.aggregator_workers
       (name, host, pid, concurrency, started_at, last_seen, running)
VALUES (%(name)s, %(host)s, %(pid)s, %(concurrency)s, now(), now(), %(running)s::jsonb)
ON CONFLICT (name) DO UPDATE SET last_seen = now(), running = excluded.running
"""
_DELETE = f"DELETE FROM {SCHEMA}.aggregator_workers WHERE name = %(name)s"
_PRUNE = (
    f"DELETE FROM {SCHEMA}.aggregator_workers"
    " WHERE last_seen < now() - make_interval(secs => %(seconds)s)"
)
_LIST = f"""
SELECT name, host, pid, concurrency, started_at, last_seen, running,
       last_seen < now() - make_interval(secs => %(seconds)s) AS lost
  FROM {SCHEMA}.aggregator_workers ORDER BY host, pid
"""


@dataclass(frozen=True, slots=True)
class WorkerRow:
    name: str
    host: str
    pid: int
    concurrency: int
    started_at: datetime
    last_seen: datetime
    running: list[dict[str, Any]]
    counts: dict[str, int]
    lost: bool


async def beat(app: procrastinate.App, name: str, runner: CrawlRunner, concurrency: int) -> None:
    """Write this worker's row: alive, running these crawls, with these counts."""
    state = {
        "crawls": [crawl.describe() for crawl in runner.running.values()],
        "counts": dict(runner.counts),
    }
    await app.connector.execute_query_async(
        _UPSERT,
        name=name,
        host=runner.host,
        pid=runner.pid,
        concurrency=concurrency,
        running=json.dumps(state),
    )


async def leave(app: procrastinate.App, name: str) -> None:
    await app.connector.execute_query_async(_DELETE, name=name)


async def prune(app: procrastinate.App, stalled_after: float) -> None:
    """Forget workers silent for twice the stalled time (their jobs were handed on by then)."""
    await app.connector.execute_query_async(_PRUNE, seconds=2 * stalled_after)


async def list_workers(app: procrastinate.App, stalled_after: float) -> list[WorkerRow]:
    rows = await app.connector.execute_query_all_async(_LIST, seconds=stalled_after)
    result = []
    for row in rows:
        state = row["running"] or {}
        result.append(
            WorkerRow(
                name=row["name"],
                host=row["host"],
                pid=row["pid"],
                concurrency=row["concurrency"],
                started_at=row["started_at"],
                last_seen=row["last_seen"],
                running=list(state.get("crawls", [])),
                counts=dict(state.get("counts", {})),
                lost=bool(row["lost"]),
            )
        )
    return result
