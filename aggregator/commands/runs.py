"""`scrapy runs [site] [-n N] [--json]`: recent crawl runs, as a table a terminal can show.

One line per run, newest first (the columns are described in
`aggregator/reports.py`); `--json` prints the same runs with every figure,
for scripts.

Settings: `AGGREGATOR_DATABASE_URL` (or `--database`).
"""

from __future__ import annotations

import argparse
import json

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from aggregator.cli import checked_database_url, print_table, read_runs
from aggregator.reports import RUN_HEADERS, run_json, table_row
from aggregator.store.models import CrawlRun
from aggregator.store.runs import CrawlRunRepository


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[site] [-n N] [--json] [--database URL]"

    def short_desc(self) -> str:
        return "Show recent crawl runs, their figures and failed health checks"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-n", type=int, default=20, help="how many runs (default 20)")
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if len(args) > 1:
            raise UsageError("name at most one site")
        if opts.n < 1:
            raise UsageError("-n must be 1 or more")
        site = args[0] if args else None
        url = checked_database_url(self.settings, opts.database)
        pairs = read_runs(self, url, lambda runs: recent_pairs(runs, site, opts.n))
        if pairs is None:
            return
        if opts.json:
            print(json.dumps([run_json(run, previous) for run, previous in pairs], indent=2))
        elif not pairs:
            print("No crawl runs recorded yet" + (f" for {site}" if site else ""))
        else:
            print_table(RUN_HEADERS, [table_row(run, previous) for run, previous in pairs])


def recent_pairs(
    repository: CrawlRunRepository | None, site: str | None, limit: int
) -> list[tuple[CrawlRun, CrawlRun | None]]:
    """The latest runs, each with the completed run of its site just before it."""
    if repository is None:
        return []
    return [(run, repository.previous(run)) for run in repository.recent(site=site, limit=limit)]
