"""`scrapy sites [--json]`: the configured sites and how their last crawl went.

One line per valid `sites/*.toml`: whether it is enabled (in `scrapy
crawlall`), when its last run started (UTC), that run's status and failed
checks, and what it stored. A site never crawled says `never`; a site file
that cannot be used is logged (ERROR) by the spider loader and left out.

Settings: `AGGREGATOR_SITES_DIR`, `AGGREGATOR_DATABASE_URL` (or `--database`).
"""

from __future__ import annotations

import argparse
import json

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from aggregator.cli import checked_database_url, configured_sites, print_table, read_runs
from aggregator.reports import SITE_HEADERS, site_json, site_row


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--json] [--database URL]"

    def short_desc(self) -> str:
        return "List the configured sites with the status of their last crawl"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("scrapy sites takes no arguments")
        sites = configured_sites(get_spider_loader(self.settings))
        url = checked_database_url(self.settings, opts.database)
        last = read_runs(self, url, lambda runs: runs.last_runs(list(sites)) if runs else {})
        if last is None:
            return
        if opts.json:
            print(json.dumps([site_json(s, last.get(s.name)) for s in sites.values()], indent=2))
        elif not sites:
            print("No sites configured (add sites/<name>.toml)")
        else:
            print_table(SITE_HEADERS, [site_row(s, last.get(s.name)) for s in sites.values()])
