"""The job queue: procrastinate on PostgreSQL, in a schema of its own.

`AGGREGATOR_BROKER_URL` names the PostgreSQL database that holds the queue;
empty (the default) means the articles database, `AGGREGATOR_DATABASE_URL`,
which must then be PostgreSQL. The queue's tables live in the PostgreSQL
schema `aggregator_queue`, so Alembic's drift check (`scrapy db check`) never
sees them and the articles' schema stays Alembic's alone. The first queue
command that finds the schema missing creates it (procrastinate's own SQL,
under a transaction-level advisory lock so that two workers starting together
do not both try).

A site has at most one job waiting (procrastinate's queueing lock, keyed by
the site name): enqueueing a site that is already waiting is refused and
reported, not queued twice. A job being run does not count as waiting, so a
site can be queued again while it crawls; the host lock then makes the second
run wait its turn (see `runner`).

Settings: `AGGREGATOR_BROKER_URL`, `AGGREGATOR_DATABASE_URL`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
from scrapy.settings import BaseSettings
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from aggregator.run.pglock import conninfo

if TYPE_CHECKING:
    import procrastinate

SCHEMA = "aggregator_queue"
TASK_NAME = "aggregator.crawl_site"
QUEUE_NAME = "crawls"
# Transaction-level advisory lock serialising the creation of the queue schema.
SCHEMA_LOCK = 0x61676772_00000013
WORKERS_TABLE = f"""
CREATE TABLE IF NOT EXISTS {SCHEMA}.aggregator_workers (
    name text PRIMARY KEY,
    host text NOT NULL,
    pid integer NOT NULL,
    concurrency integer NOT NULL,
    started_at timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    running jsonb NOT NULL DEFAULT '{{}}'
)
"""


T = TypeVar("T")


class BrokerConfigError(ValueError):
    """The queue cannot be used with these settings; the message says why."""


class QueueUnavailable(RuntimeError):
    """The queue's database cannot be reached; the message says why (never a password)."""


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, with an unreachable queue database as `QueueUnavailable`."""
    from procrastinate.exceptions import ConnectorException

    try:
        return asyncio.run(coro)
    except (psycopg.OperationalError, ConnectorException) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueueUnavailable(f"the queue database is unreachable: {first_line}") from None


def broker_url(settings: BaseSettings) -> str:
    """The queue's database URL: `AGGREGATOR_BROKER_URL`, else the articles database."""
    url = settings.get("AGGREGATOR_BROKER_URL") or settings.get("AGGREGATOR_DATABASE_URL") or ""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise BrokerConfigError("AGGREGATOR_BROKER_URL is not a database URL") from None
    if backend != "postgresql":
        raise BrokerConfigError(
            "the job queue needs PostgreSQL: set AGGREGATOR_BROKER_URL (or "
            f"AGGREGATOR_DATABASE_URL) to a postgresql:// URL, not a {backend} one"
        )
    return url


def queue_conninfo(url: str) -> str:
    return conninfo(url)


async def ensure_schema(url: str) -> None:
    """Create the queue's schema and tables when missing (idempotent, safe to race)."""
    from procrastinate.schema import SchemaManager

    async with await psycopg.AsyncConnection.connect(queue_conninfo(url)) as conn:
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        cursor = await conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.procrastinate_jobs",))
        row = await cursor.fetchone()
        if row is None or row[0] is None:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            await conn.execute(f"SET LOCAL search_path TO {SCHEMA}")
            # No parameters: psycopg sends the whole file, several statements, as it is.
            await conn.execute(SchemaManager.get_schema())
        await conn.execute(WORKERS_TABLE)
        await conn.commit()


def make_app(url: str) -> procrastinate.App:
    """A procrastinate app on the queue's schema (not opened)."""
    import procrastinate

    connector = procrastinate.PsycopgConnector(
        conninfo=queue_conninfo(url),
        kwargs={"options": f"-c search_path={SCHEMA}"},
        min_size=1,
        max_size=4,
    )
    return procrastinate.App(connector=connector)


@contextlib.asynccontextmanager
async def open_queue(url: str) -> AsyncIterator[procrastinate.App]:
    """The queue, schema ensured and app opened, for the block's duration."""
    await ensure_schema(url)
    app = make_app(url)
    async with app.open_async():
        yield app


async def defer_crawl(
    app: procrastinate.App, site: str, *, delay: float = 0, retries: int = 0
) -> int | None:
    """Queue one crawl of `site`; its job id, or None when the site is already waiting."""
    from procrastinate.exceptions import AlreadyEnqueued

    options: dict[str, Any] = {"queueing_lock": site, "queue": QUEUE_NAME}
    if delay > 0:
        options["schedule_in"] = {"seconds": delay}
    try:
        job_id: int = await app.configure_task(TASK_NAME, **options).defer_async(
            site=site, retries=retries
        )
    except AlreadyEnqueued:
        return None
    return job_id
