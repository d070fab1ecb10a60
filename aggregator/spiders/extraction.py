"""Article extraction off the reactor thread, in worker processes.

Extraction is the costliest step of a crawl (HTML in, `ArticleItem` out, pure
CPU). Run inline, it stalls the reactor thread that downloads; run in a
worker process, it uses another core while downloads go on. One pool serves
every spider of the process (`scrapy crawlall` runs several) and is shut down
when the last of them closes. Workers start through `forkserver`, not `fork`:
forking a process that runs a reactor and threads copies their locks in
whatever state they are.

A worker that dies (killed, out of memory) breaks the pool: the page is then
extracted inline, the pool rebuilt, and the event counted.

The body safety net's verdict travels with the item (`sources["body_fallback"]`,
see `aggregator/extract/safety.py`) and is counted here, in the crawl process.

Settings: `AGGREGATOR_EXTRACT_WORKERS` (worker processes; 0 extracts inline).
Stats: `aggregator/timing/extract` (CPU seconds in the worker, or inline),
`aggregator/extract/worker_failed`, `aggregator/extract/fallback/<reason>` (an
article page whose body the safety net judged weak: `empty`, `short`, `long`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import is_asyncio_available

from aggregator.extract import extract_article_html
from aggregator.extract.safety import REASON_KEY as BODY_FALLBACK_KEY
from aggregator.items import ArticleItem
from aggregator.timing import add_stage_time

FALLBACK_STAT = "aggregator/extract/fallback"


def _extract_timed(
    body: bytes, url: str, encoding: str, selectors: Mapping[str, str]
) -> tuple[ArticleItem | None, float]:
    """Run in the worker: the item and the CPU seconds it took."""
    start = time.thread_time()
    item = extract_article_html(body, url, encoding=encoding, selectors=selectors or None)
    return item, time.thread_time() - start


def _asyncio_loop_available() -> bool:
    """Awaiting a worker's future needs the asyncio loop; other reactors extract inline."""
    try:
        return is_asyncio_available()
    except RuntimeError:
        # No reactor installed yet (a spider built outside a crawl, as in unit tests).
        return False


def _exit_with(parent: int) -> None:
    """Worker initializer: exit as soon as the crawl process is gone.

    A worker blocks reading its task queue, and holds a copy of that queue's
    writing end, so it would never see the end of a crawl that was killed
    (SIGKILL, the OOM killer) and would live on, holding its memory.
    """

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                # The pid now belongs to another user's process: ours is gone.
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _SharedPool:
    """One process pool per process, reference-counted by the spiders using it."""

    def __init__(self) -> None:
        self.executor: ProcessPoolExecutor | None = None
        self.users = 0

    def get(self, workers: int) -> ProcessPoolExecutor:
        if self.executor is None:
            context = multiprocessing.get_context("forkserver")
            self.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_exit_with,
                initargs=(os.getpid(),),
            )
        return self.executor

    def reset(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0:
            self.users = 0
            self.reset()


_POOL = _SharedPool()


class ArticleExtractor:
    """Extract article pages in worker processes (or inline when configured so)."""

    def __init__(self, workers: int, crawler: Crawler | None = None) -> None:
        self.workers = workers if workers and _asyncio_loop_available() else 0
        self.crawler = crawler
        if self.workers:
            _POOL.users += 1

    @property
    def stats(self) -> StatsCollector | None:
        # The crawler's stats exist only once the crawl starts, after the spider is built.
        return self.crawler.stats if self.crawler is not None else None

    async def extract(
        self, response: HtmlResponse, selectors: Mapping[str, str]
    ) -> ArticleItem | None:
        """The article on `response`, or None when the page is not an article."""
        arguments = (response.body, response.url, response.encoding, dict(selectors))
        if self.workers:
            try:
                future = _POOL.get(self.workers).submit(_extract_timed, *arguments)
                item, seconds = await asyncio.wrap_future(future)
                add_stage_time(self.stats, "extract", seconds)
                self._count(item)
                return item
            except BrokenProcessPool:
                if self.stats is not None:
                    self.stats.inc_value("aggregator/extract/worker_failed")
                _POOL.reset()
        item, seconds = _extract_timed(*arguments)
        add_stage_time(self.stats, "extract", seconds)
        self._count(item)
        return item

    def _count(self, item: ArticleItem | None) -> None:
        """Count the body safety net's verdict, which came back with the item."""
        reason = item.sources.get(BODY_FALLBACK_KEY) if item is not None else None
        if reason and self.stats is not None:
            self.stats.inc_value(f"{FALLBACK_STAT}/{reason}")

    def close(self) -> None:
        """Give the shared pool back; the last user shuts it down."""
        if self.workers:
            self.workers = 0
            _POOL.release()


def default_workers(setting: Any) -> int:
    """`AGGREGATOR_EXTRACT_WORKERS`: a number, or "auto" for one fewer than the CPUs (at most 4)."""
    if setting in (None, "", "auto"):
        return max(0, min(4, (multiprocessing.cpu_count() or 1) - 1))
    return max(0, int(setting))
