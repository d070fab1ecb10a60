"""`scrapy crawlall [site ...]`: crawl every enabled site (or those named) in one process.

At most `AGGREGATOR_CRAWLALL_CONCURRENCY` sites (or `--concurrency`) crawl at
once; when one finishes the next starts. Each site is an ordinary crawl with
its own spider, stats, lock, health checks and `crawl_runs` row, and its own
per-domain politeness. At the end one line per site says how it went, and
the exit status is that of the worst site: 1 if any failed, else 75 if any
was refused by its lock, else 0 (see `crawl.py`). Sites named on the command
line run even when their file says `enabled = false`.

Settings: `AGGREGATOR_CRAWLALL_CONCURRENCY`, `AGGREGATOR_SITES_DIR`.
"""

from __future__ import annotations

import argparse
from collections import deque
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from aggregator.commands.crawl import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    check_settings,
    crawl_outcome,
)
from aggregator.commands.runs import format_table


def overall_status(statuses: list[int]) -> int:
    """The exit status of the whole run: any failure wins over a refusal."""
    if EXIT_FAILED in statuses:
        return EXIT_FAILED
    if EXIT_LOCKED in statuses:
        return EXIT_LOCKED
    return EXIT_OK if all(status == EXIT_OK for status in statuses) else EXIT_FAILED


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] [site ...]"

    def short_desc(self) -> str:
        return "Crawl every enabled site (or the named ones) with bounded concurrency"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help="sites crawled at once (default: AGGREGATOR_CRAWLALL_CONCURRENCY)",
        )

    def _site_names(self, args: list[str]) -> list[str]:
        assert self.crawler_process is not None
        loader: Any = self.crawler_process.spider_loader
        if not hasattr(loader, "sites"):
            raise UsageError("SPIDER_LOADER_CLASS must be aggregator's SiteSpiderLoader")
        sites = loader.sites()
        unknown = [name for name in args if name not in sites]
        if unknown:
            known = ", ".join(sorted(sites)) or "none"
            raise UsageError(f"unknown site {unknown[0]!r}; configured sites: {known}")
        if args:
            return list(dict.fromkeys(args))
        return [name for name in sorted(sites) if sites[name].enabled]

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        concurrency = opts.concurrency or self.settings.getint("AGGREGATOR_CRAWLALL_CONCURRENCY", 2)
        if concurrency < 1:
            raise UsageError("the concurrency must be 1 or more")
        check_settings(self.settings)
        names = self._site_names(args)
        if not names:
            print("No enabled sites to crawl (see sites/*.toml)")
            return
        crawlers = [self.crawler_process.create_crawler(name) for name in names]
        waiting = deque(crawlers)
        for _ in range(min(concurrency, len(waiting))):
            self._start_next(waiting)
        self.crawler_process.start()
        outcomes = [crawl_outcome(crawler) for crawler in crawlers]
        rows = [
            [name, word, detail] for name, (_, word, detail) in zip(names, outcomes, strict=True)
        ]
        print("\n".join(format_table(("SITE", "OUTCOME", "DETAIL"), rows)))
        self.exitcode = overall_status([status for status, _, _ in outcomes])

    def _start_next(self, waiting: deque[Crawler]) -> None:
        """Start the next waiting crawler; when it ends, start the one after it.

        The follow-up is attached to the crawl's own Task (asyncio) or Deferred
        (Twisted), which completes before the process checks whether any crawl
        is still active, so the process never stops while sites are waiting.
        """
        if not waiting:
            return
        assert self.crawler_process is not None
        running: Any = self.crawler_process.crawl(waiting.popleft())
        if hasattr(running, "add_done_callback"):
            running.add_done_callback(lambda _task: self._start_next(waiting))
        else:
            running.addBoth(self._then_start_next, waiting)

    def _then_start_next(self, result: Any, waiting: deque[Crawler]) -> Any:
        self._start_next(waiting)
        return result
