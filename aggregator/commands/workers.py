"""`scrapy workers [--json]`: the live workers, what each is crawling and what came of its jobs.

One line per worker: host, pid, crawls running out of its concurrency, the
sites (and job ids) it crawls now, its job outcomes so far (`ok`,
`host_busy`, `handed_back`, `killed`, `failed`), and `lost` when its
heartbeat stopped (its jobs are queued again for the others). See
`aggregator/queue/registry.py`.

Settings: `AGGREGATOR_BROKER_URL`, `AGGREGATOR_QUEUE_STALLED_AFTER`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from aggregator.cli import format_table, when

if TYPE_CHECKING:
    from aggregator.queue.registry import WorkerRow

HEADERS = ("HOST", "PID", "STATE", "RUNNING", "CRAWLING", "SINCE (UTC)", "OUTCOMES")


def worker_line(row: WorkerRow) -> list[str]:
    crawling = ", ".join(f"{c['site']} (job {c['job_id']})" for c in row.running) or "-"
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(row.counts.items())) or "-"
    state = "lost" if row.lost else "live"
    busy = f"{len(row.running)}/{row.concurrency}"
    return [row.host, str(row.pid), state, busy, crawling, when(row.started_at), outcomes]


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--json]"

    def short_desc(self) -> str:
        return "List the queue's workers and the sites each is crawling"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("scrapy workers takes no arguments")
        # Imported here, not above: see aggregator/queue/commandline.py.
        from aggregator.queue.broker import broker_url
        from aggregator.queue.commandline import run_on_queue, usage_on_bad_config

        with usage_on_bad_config():
            url = broker_url(self.settings)
        stalled = self.settings.getfloat("AGGREGATOR_QUEUE_STALLED_AFTER", 30.0)
        rows = run_on_queue(self, _workers(url, stalled))
        if rows is None:
            return
        if opts.json:
            print(json.dumps([asdict(row) for row in rows], indent=2, default=str))
        elif not rows:
            print("No workers (start one with scrapy worker)")
        else:
            print("\n".join(format_table(HEADERS, [worker_line(row) for row in rows])))


async def _workers(url: str, stalled_after: float) -> list[WorkerRow]:
    from aggregator.queue.broker import open_queue
    from aggregator.queue.registry import list_workers

    async with open_queue(url) as app:
        return await list_workers(app, stalled_after)
