"""`scrapy scheduler`: the one long-running process that queues each enabled site when due.

At start it queues every enabled site whose `every` (site key, default 1h)
has passed since its last run, then each site again `every` seconds after it
last queued it. One line per queued site. Runs until SIGTERM or SIGINT (exit
0). Reads the site files once: restart it after adding or changing sites.
See `aggregator/queue/schedule.py`.

Settings: `AGGREGATOR_BROKER_URL`, `AGGREGATOR_DATABASE_URL`,
`AGGREGATOR_SCHEDULER_TICK`, `AGGREGATOR_SITES_DIR`, `AGGREGATOR_CLOCK`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging

from aggregator.cli import checked_database_url
from aggregator.clock import get_clock
from aggregator.sites import Site


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return ""

    def short_desc(self) -> str:
        return "Queue each enabled site whenever its `every` interval comes round"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("scrapy scheduler takes no arguments")
        # Imported here, not above: see aggregator/queue/commandline.py.
        from aggregator.queue.broker import broker_url
        from aggregator.queue.commandline import run_on_queue, usage_on_bad_config
        from aggregator.queue.config import configured_sites
        from aggregator.queue.schedule import first_delays, last_runs

        with usage_on_bad_config():
            url = broker_url(self.settings)
            sites = configured_sites(self.settings)
        last = last_runs(checked_database_url(self.settings))
        delays = first_delays(sites, last, get_clock(self.settings)())
        if not delays:
            print("No enabled sites to schedule (see sites/*.toml)")
            return
        configure_logging(self.settings)
        tick = self.settings.getfloat("AGGREGATOR_SCHEDULER_TICK", 30.0)
        run_on_queue(self, _schedule(url, sites, delays, tick))


def _report(name: str, job_id: int | None) -> None:
    from aggregator.queue.schedule import queued_line

    print(queued_line(name, job_id))


async def _schedule(
    url: str, sites: dict[str, Site], delays: dict[str, float], tick: float
) -> None:
    from aggregator.queue.broker import open_queue
    from aggregator.queue.schedule import run_scheduler

    async with open_queue(url) as app:
        task = asyncio.create_task(run_scheduler(app, sites, delays, tick=tick, report=_report))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task
