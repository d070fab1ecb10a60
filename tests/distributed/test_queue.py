"""The queue on PostgreSQL: one waiting job per site, how a job's end is acted on, lost jobs."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from aggregator.queue.broker import defer_crawl, open_queue
from aggregator.queue.runner import CrawlFailed, CrawlRunner
from aggregator.queue.worker import recover_lost_jobs

pytestmark = pytest.mark.postgres


class ScriptedRunner(CrawlRunner):
    """Runs a tiny Python script instead of `scrapy crawl`, to end the way a test wants."""

    script = "pass"

    def command(self, site: str, job_id: int) -> list[str]:
        return [sys.executable, "-c", self.script]


def runner(**kwargs: Any) -> ScriptedRunner:
    return ScriptedRunner(site_hosts={}, settings_args=[], database_url="", **kwargs)


async def waiting(app: Any) -> list[tuple[str, int]]:
    rows = await app.connector.execute_query_all_async(
        "SELECT args->>'site' AS site, attempts FROM procrastinate_jobs"
        " WHERE status = 'todo' ORDER BY id"
    )
    return [(row["site"], row["attempts"]) for row in rows]


def test_a_site_waits_in_the_queue_once(postgres_url: str) -> None:
    async def scenario() -> list[int | None]:
        async with open_queue(postgres_url) as app:
            return [
                await defer_crawl(app, "a"),
                await defer_crawl(app, "a"),
                await defer_crawl(app, "b"),
            ]

    first, second, other = asyncio.run(scenario())
    assert first is not None and second is None and other is not None


@pytest.mark.parametrize(
    ("script", "outcome", "requeued"),
    [
        ("raise SystemExit(0)", "ok", []),
        ("raise SystemExit(75)", "host_busy", [("a", 0)]),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "killed", [("a", 0)]),
        ("raise SystemExit(1)", "failed", []),
    ],
)
def test_how_a_crawl_ends_decides_the_job(
    postgres_url: str, script: str, outcome: str, requeued: list[tuple[str, int]]
) -> None:
    jobs = runner(busy_retry_delay=0)
    jobs.script = script

    async def scenario() -> tuple[str | None, list[tuple[str, int]]]:
        async with open_queue(postgres_url) as app:
            try:
                result: str | None = await jobs.run(app, 1, "a", retries=0)
            except CrawlFailed:
                result = None
            return result, await waiting(app)

    result, queue = asyncio.run(scenario())
    assert jobs.counts == {outcome: 1}
    assert result == (outcome if outcome in {"ok", "host_busy"} else None)
    assert queue == requeued
    assert jobs.running == {}


def test_a_killed_crawl_is_retried_only_so_often(postgres_url: str) -> None:
    jobs = runner(max_retries=2)
    jobs.script = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"

    async def scenario() -> list[tuple[str, int]]:
        async with open_queue(postgres_url) as app:
            with pytest.raises(CrawlFailed, match="SIGKILL"):
                await jobs.run(app, 1, "a", retries=2)
            return await waiting(app)

    assert asyncio.run(scenario()) == []


def test_a_stopping_worker_hands_its_crawl_back(postgres_url: str) -> None:
    jobs = runner()
    jobs.script = (
        "import signal, time; signal.signal(signal.SIGTERM, lambda *a: exit(1)); time.sleep(60)"
    )

    async def scenario() -> list[tuple[str, int]]:
        async with open_queue(postgres_url) as app:
            crawl = asyncio.create_task(jobs.run(app, 1, "a", retries=0))
            while not jobs.running:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            jobs.stop()
            with pytest.raises(CrawlFailed, match="shutdown"):
                await asyncio.wait_for(crawl, 30)
            return await waiting(app)

    assert asyncio.run(scenario()) == [("a", 0)]
    assert jobs.counts == {"handed_back": 1}


def test_the_jobs_of_a_silent_worker_go_back_to_the_queue(postgres_url: str) -> None:
    async def scenario() -> tuple[list[int], list[tuple[str, int]]]:
        async with open_queue(postgres_url) as app:
            job_id = await defer_crawl(app, "a")
            # A worker took it, then stopped beating (SIGKILL) 60 s ago.
            worker = await app.job_manager.register_worker()
            await app.connector.execute_query_async(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '60 seconds'"
            )
            await app.connector.execute_query_async(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %(w)s", w=worker
            )
            await defer_crawl(app, "b")
            recovered = await recover_lost_jobs(app, stalled_after=30)
            assert recovered == [job_id]
            return recovered, await waiting(app)

    _, queue = asyncio.run(scenario())
    assert queue == [("a", 1), ("b", 0)]


def test_a_lost_job_whose_site_waits_again_is_failed_not_doubled(postgres_url: str) -> None:
    async def scenario() -> list[tuple[str, int]]:
        async with open_queue(postgres_url) as app:
            await defer_crawl(app, "a")
            await app.connector.execute_query_async(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL"
            )
            await defer_crawl(app, "a")  # queued again meanwhile (scheduler, operator)
            assert len(await recover_lost_jobs(app, stalled_after=30)) == 1
            rows = await app.connector.execute_query_all_async(
                "SELECT status FROM procrastinate_jobs ORDER BY id"
            )
            assert [row["status"] for row in rows] == ["failed", "todo"]
            return await waiting(app)

    assert asyncio.run(scenario()) == [("a", 0)]
