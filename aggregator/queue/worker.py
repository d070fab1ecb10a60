"""The long-running worker behind `scrapy worker`: procrastinate's worker plus our housekeeping.

procrastinate fetches jobs (LISTEN/NOTIFY, and a poll every
`AGGREGATOR_QUEUE_POLL_INTERVAL` seconds for delayed ones), runs at most
`concurrency` at once and writes a heartbeat every `AGGREGATOR_QUEUE_HEARTBEAT`
seconds. Each job goes to `CrawlRunner`, which runs the crawl as a child
process. Alongside, each worker:

- recovers lost jobs: a job still marked running whose worker has not beaten
  for `AGGREGATOR_QUEUE_STALLED_AFTER` seconds (SIGKILL, OOM, a lost machine)
  has its `running` crawl_runs rows marked `lost` and is put back to waiting,
  so another worker crawls the site; when the site already has a waiting
  job, the lost one is marked failed instead (that job covers it). Several
  workers may try at once; procrastinate's retry only moves a job that is
  still running, so one wins.
- keeps its row in the worker registry (`scrapy workers`).

SIGTERM or SIGINT: no new job is taken, SIGTERM is forwarded to every crawl
(Scrapy closes each gracefully), and unfinished ones are handed back to the
queue (see `runner`); the worker exits when its crawls have.

Settings: `AGGREGATOR_QUEUE_HEARTBEAT`, `AGGREGATOR_QUEUE_STALLED_AFTER`,
`AGGREGATOR_QUEUE_POLL_INTERVAL`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aggregator.queue import registry
from aggregator.queue.broker import QUEUE_NAME, TASK_NAME, open_queue
from aggregator.queue.runner import CrawlRunner, mark_runs_lost

if TYPE_CHECKING:
    import procrastinate

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    concurrency: int = 1
    heartbeat: float = 10.0
    stalled_after: float = 30.0
    poll_interval: float = 5.0


async def recover_lost_jobs(
    app: procrastinate.App, stalled_after: float, database_url: str = ""
) -> list[int]:
    """Put the jobs of dead workers back in the queue, their runs marked lost; the ids handled."""
    from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
    from procrastinate.jobs import Status

    manager = app.job_manager
    lost = await manager.get_stalled_jobs(
        seconds_since_heartbeat=stalled_after, task_name=TASK_NAME
    )
    handled = []
    for job in lost:
        assert job.id is not None
        site = job.task_kwargs.get("site")
        # Before the retry, so that the row a new crawl of this job inserts is never touched.
        await asyncio.to_thread(mark_runs_lost, database_url, job.id, "worker_lost")
        try:
            await manager.retry_job(job)
        except Exception as exc:
            if not isinstance(exc, UniqueViolation | AlreadyEnqueued):
                # Another worker recovered it first, or the database is away: next round.
                logger.debug("Could not recover job %s: %s", job.id, exc)
                continue
            await manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
            logger.warning("Job %s (%s) was lost; a newer job for the site covers it", job.id, site)
        else:
            logger.warning("Job %s (%s) was lost with its worker; queued again", job.id, site)
        handled.append(job.id)
    return handled


async def _housekeeping(
    app: procrastinate.App, name: str, runner: CrawlRunner, options: WorkerOptions
) -> None:
    """Registry heartbeat and lost-job recovery, until cancelled; errors only logged."""
    while True:
        try:
            await registry.beat(app, name, runner, options.concurrency)
            await recover_lost_jobs(app, options.stalled_after, runner.database_url)
            await registry.prune(app, options.stalled_after)
        except Exception as exc:  # the database may be restarting: keep the worker alive
            logger.warning("Worker housekeeping failed (will retry): %s", exc)
        await asyncio.sleep(options.heartbeat)


def _register_task(app: procrastinate.App, runner: CrawlRunner) -> None:
    @app.task(name=TASK_NAME, queue=QUEUE_NAME, pass_context=True)
    async def crawl_site(context: Any, site: str, retries: int = 0) -> str:
        return await runner.run(app, context.job.id, site, retries)


async def run_worker(url: str, runner: CrawlRunner, options: WorkerOptions) -> None:
    """Take crawl jobs until SIGTERM or SIGINT."""
    from procrastinate.worker import Worker

    name = f"{runner.host}:{runner.pid}"
    async with open_queue(url) as app:
        _register_task(app, runner)
        worker = Worker(
            app,
            queues=[QUEUE_NAME],
            name=name,
            concurrency=options.concurrency,
            install_signal_handlers=False,
            update_heartbeat_interval=options.heartbeat,
            stalled_worker_timeout=options.stalled_after,
            fetch_job_polling_interval=options.poll_interval,
        )
        loop = asyncio.get_running_loop()

        def stop() -> None:
            logger.info("Worker %s stopping: handing back what does not finish", name)
            runner.stop()
            worker.stop()  # type: ignore[no-untyped-call]

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        chores = asyncio.create_task(_housekeeping(app, name, runner, options))
        logger.info("Worker %s taking crawl jobs, %d at a time", name, options.concurrency)
        try:
            await worker.run()  # type: ignore[no-untyped-call]
        finally:
            chores.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chores
            with contextlib.suppress(Exception):
                await registry.leave(app, name)
