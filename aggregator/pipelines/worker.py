"""One worker thread for the store pipeline's blocking database calls, timed as store work.

Calls run one at a time, in order, so the store keeps a single writer, and
the reactor thread stays free to download, parse and log while a call
waits on the database. The time a call takes (waiting included, as when
the store ran on the reactor thread) is added to the pipeline's stage
timer, which otherwise sees only the coroutine being created.

Stats: `aggregator/timing/store` (see `aggregator.timing`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from scrapy.statscollectors import StatsCollector

from aggregator.timing import add_stage_time

T = TypeVar("T")


class StoreWorker:
    """Runs blocking calls on its own thread and counts their time under `stage`."""

    def __init__(self, stats: StatsCollector, stage: str = "store") -> None:
        self.stats = stats
        self.stage = stage
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aggregator-store")

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` on the worker thread."""
        with self.timed():
            return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    @contextmanager
    def timed(self) -> Iterator[None]:
        """Count the time of the block as the stage's."""
        started = time.perf_counter()
        try:
            yield
        finally:
            add_stage_time(self.stats, self.stage, time.perf_counter() - started)

    def shutdown(self) -> None:
        # Every call has returned (each wait on the database is bounded): nothing to join.
        self.executor.shutdown(wait=False)
