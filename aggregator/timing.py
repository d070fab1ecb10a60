"""Time per pipeline stage, counted in the stats, so a slow stage shows in every crawl.

`TimedItemPipelineManager` (the `ITEM_PROCESSOR` setting) is Scrapy's item
pipeline manager with each pipeline's `process_item` and `close_spider`
wrapped in a CPU timer: the stage is the pipeline's module name (`dates`,
`store`, ...). Extraction is timed by the spider (`aggregator/timing/extract`),
in the worker process when it runs there. `benchmarks/crawl.py` divides these
by the crawl's CPU time.

Pipelines run synchronously on the reactor thread, so the time a call takes
is the time the reactor is kept from everything else: it is measured with
`time.perf_counter` (read from the vDSO). `time.thread_time` would leave out
waits for the database, and on this project's virtual machines it is a real
system call that cost more than the shortest stages it timed.

Stats: `aggregator/timing/<stage>` (seconds, a float).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy.pipelines import ItemPipelineManager
from scrapy.statscollectors import StatsCollector

T = TypeVar("T")


def add_stage_time(stats: StatsCollector | None, stage: str, seconds: float) -> None:
    """Add `seconds` to the stage's counter."""
    if stats is not None:
        key = f"aggregator/timing/{stage}"
        stats.set_value(key, stats.get_value(key, 0.0) + seconds)


def timed(stats: StatsCollector | None, stage: str, method: Callable[..., T]) -> Callable[..., T]:
    """`method`, counting the time it takes under `stage`."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            add_stage_time(stats, stage, time.perf_counter() - start)

    return wrapper


class TimedItemPipelineManager(ItemPipelineManager):
    """Scrapy's pipeline manager, timing each pipeline's work under its module's name."""

    def _add_middleware(self, mw: Any) -> None:
        stats = self.crawler.stats if self.crawler is not None else None
        stage = type(mw).__module__.rsplit(".", 1)[-1]
        for name in ("process_item", "close_spider"):
            method = getattr(mw, name, None)
            if method is not None:
                setattr(mw, name, timed(stats, stage, method))
        super()._add_middleware(mw)
