"""`scrapy enqueue [site ...] [--all] [--due]`: put site-crawl jobs on the queue and say which.

One line per site: `queued <site> (job N)`, or `waiting <site>` when a job
for it is already waiting (a site never waits twice). Named sites are queued
even when disabled; `--all` queues every enabled site, `--due` those whose
`every` has passed since their last run (see `aggregator/queue/schedule.py`).

Settings: `AGGREGATOR_BROKER_URL`, `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_SITES_DIR`.
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from aggregator.cli import checked_database_url
from aggregator.clock import get_clock


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[site ...] [--all] [--due]"

    def short_desc(self) -> str:
        return "Queue site-crawl jobs for the workers and print what was queued"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--all", action="store_true", help="every enabled site")
        parser.add_argument("--due", action="store_true", help="enabled sites whose `every` passed")

    def _names(self, args: list[str], opts: argparse.Namespace) -> list[str]:
        assert self.settings is not None
        from aggregator.queue.config import configured_sites
        from aggregator.queue.schedule import due_sites, last_runs

        if bool(args) + opts.all + opts.due != 1:
            raise UsageError("name sites, or give --all or --due (one of them)")
        sites = configured_sites(self.settings)
        unknown = [name for name in args if name not in sites]
        if unknown:
            known = ", ".join(sorted(sites)) or "none"
            raise UsageError(f"unknown site {unknown[0]!r}; configured sites: {known}")
        if args:
            return list(dict.fromkeys(args))
        if opts.all:
            return sorted(name for name, site in sites.items() if site.enabled)
        last = last_runs(checked_database_url(self.settings))
        return due_sites(sites, last, get_clock(self.settings)())

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        # Imported here, not above: see aggregator/queue/commandline.py.
        from aggregator.queue.broker import broker_url
        from aggregator.queue.commandline import run_on_queue, usage_on_bad_config
        from aggregator.queue.schedule import queued_line

        with usage_on_bad_config():
            url = broker_url(self.settings)
            names = self._names(args, opts)
        if not names:
            print("Nothing to queue")
            return
        queued = run_on_queue(self, _enqueue(url, names))
        for name, job_id in queued or []:
            print(queued_line(name, job_id))


async def _enqueue(url: str, names: list[str]) -> list[tuple[str, int | None]]:
    from aggregator.queue.broker import open_queue
    from aggregator.queue.schedule import enqueue

    async with open_queue(url) as app:
        return await enqueue(app, names)
