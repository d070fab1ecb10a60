"""`scrapy worker [-c N]`: take site-crawl jobs from the queue, N crawls at a time.

Each job runs as its own `scrapy crawl <site>` process with this command's
`-s` settings. SIGTERM or SIGINT: stop taking jobs, forward SIGTERM to the
crawls, hand back those that do not finish, exit 0. See
`aggregator/queue/worker.py` and docs/distributed.md.

Settings: `AGGREGATOR_BROKER_URL`, `AGGREGATOR_QUEUE_*`, `AGGREGATOR_SITES_DIR`.
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[-c N]"

    def short_desc(self) -> str:
        return "Run site-crawl jobs from the queue, each as its own crawl process"

    def long_desc(self) -> str:
        return (
            "Take site-crawl jobs from the queue named by AGGREGATOR_BROKER_URL (PostgreSQL; "
            "default the articles database) and run each as scrapy crawl <site>, N at a time. "
            "SIGTERM stops taking jobs and hands back the crawls that do not finish. "
            "Exit status 0 after a stop, 2 usage error."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-c", "--concurrency", type=int, default=1, metavar="N",
            help="crawls run at once, 1 or more (default 1)",
        )  # fmt: skip

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("scrapy worker takes no arguments")
        if opts.concurrency < 1:
            raise UsageError("-c must be 1 or more", print_help=False)
        # Imported here, not above: see aggregator/queue/commandline.py.
        from aggregator.queue.broker import broker_url
        from aggregator.queue.commandline import run_on_queue, usage_on_bad_config
        from aggregator.queue.config import configured_sites, crawl_runner, worker_options
        from aggregator.queue.worker import run_worker

        with usage_on_bad_config():
            url = broker_url(self.settings)
            sites = configured_sites(self.settings)
        configure_logging(self.settings)
        runner = crawl_runner(self.settings, sites)
        options = worker_options(self.settings, opts.concurrency)
        run_on_queue(self, run_worker(url, runner, options))
