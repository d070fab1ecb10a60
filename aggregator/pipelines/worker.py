"""One worker thread for the store pipeline's blocking database calls, timed as store work.

Calls run one at a time, in order, so the store keeps a single writer, and
the reactor thread stays free to download, parse and log while a call
waits on the database. The CPU time a call uses on the worker thread is
added to the pipeline's stage timer (which otherwise sees only the
coroutine being created); its wall time would also count the waits for
the GIL while the reactor thread works, which is not the store's cost.
One `thread_time` system call per batch is cheap; per item it was not
(see `aggregator.timing`).

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
        loop = asyncio.get_running_loop()
        spent: list[float] = []
        try:
            return await loop.run_in_executor(self.executor, _cpu_timed, function, args, spent)
        finally:
            add_stage_time(self.stats, self.stage, sum(spent))

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


def _cpu_timed(function: Callable[..., T], args: tuple[object, ...], spent: list[float]) -> T:
    """`function(*args)`, adding the CPU seconds this thread spent on it to `spent`."""
    started = time.thread_time()
    try:
        return function(*args)
    finally:
        spent.append(time.thread_time() - started)
