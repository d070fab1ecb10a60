"""`scrapy crawlall [site ...]`: crawl every enabled site (or those named) in one process.

At most `AGGREGATOR_CRAWLALL_CONCURRENCY` sites (or `--concurrency`) crawl at
once, never two sharing a host (`aggregator/run/scheduler.py`). Each site is
an ordinary crawl with its own spider, stats, lock, health checks and
`crawl_runs` row. At the end one line per site says how it went, a site
whose file cannot be used among them (it is not crawled; the others are),
and the exit status is that of the worst site: 1 if any failed or had a bad
file, else 75 if any was refused by its lock, else 0. Sites named on the
command line run even when their file says `enabled = false`.

Settings: `AGGREGATOR_CRAWLALL_CONCURRENCY`, `AGGREGATOR_SITES_DIR`.
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from aggregator.cli import check_settings, checked_database_url, print_table, site_loader
from aggregator.run.crawl_run import outcome_of
from aggregator.run.outcome import EXIT_FAILED, Outcome, overall_status
from aggregator.run.scheduler import SiteCrawl, SiteScheduler


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] [site ...]"

    def short_desc(self) -> str:
        return "Crawl every enabled site (or the named ones) with bounded concurrency"

    # No help line may end in ":": Scrapy's help formatter makes such a line a heading.
    def long_desc(self) -> str:
        return (
            "Crawl every enabled site in sites/ (or the sites named, enabled or not) in one "
            "process, --concurrency at a time. Sites whose allowed_domains share a host never "
            "crawl at the same time, so the per-domain limit holds. One line per site at the "
            "end; a site whose file cannot be used is reported and the others still crawl. "
            "Exit status 0 all ok, 1 any site failed or had a bad file, 75 any site refused "
            "by its lock (and none failed), 2 usage error."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            metavar="N",
            help="sites crawled at once, 1 or more (default from AGGREGATOR_CRAWLALL_CONCURRENCY)",
        )

    def _concurrency(self, option: int | None) -> int:
        assert self.settings is not None
        value = (
            option
            if option is not None
            else self.settings.getint("AGGREGATOR_CRAWLALL_CONCURRENCY", 2)
        )
        if value < 1:
            source = (
                "--concurrency" if option is not None else "setting AGGREGATOR_CRAWLALL_CONCURRENCY"
            )
            raise UsageError(f"{source} must be 1 or more", print_help=False)
        return value

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        concurrency = self._concurrency(opts.concurrency)
        check_settings(self.settings)
        checked_database_url(self.settings, crawl=True)
        loader: Any = site_loader(self.crawler_process.spider_loader)
        sites, problems = loader.sites(), loader.site_problems()
        unknown = [name for name in args if name not in sites and name not in problems]
        if unknown:
            known = ", ".join(sorted(sites)) or "none"
            raise UsageError(f"unknown site {unknown[0]!r}; configured sites: {known}")
        names = list(dict.fromkeys(args)) or [n for n in sorted(sites) if sites[n].enabled]
        bad = {n: p for n, p in problems.items() if not args or n in args}
        if not names and not bad:
            print("No enabled sites to crawl (see sites/*.toml)")
            return
        scheduler = SiteScheduler(self.crawler_process, concurrency)
        scheduler.waiting = [
            SiteCrawl(n, self.crawler_process.create_crawler(n), sites[n].allowed_domains)
            for n in names
            if n in sites
        ]
        crawls = list(scheduler.waiting)
        scheduler.start_what_can_run()
        self.crawler_process.start()
        outcomes = [(crawl.name, outcome_of(crawl.crawler)) for crawl in crawls]
        outcomes += [(name, Outcome(EXIT_FAILED, "failed", why)) for name, why in bad.items()]
        print_table(("SITE", "OUTCOME", "DETAIL"), [[n, o.word, o.detail] for n, o in outcomes])
        self.exitcode = overall_status([outcome.status for _, outcome in outcomes])
