"""`scrapy crawl <spider>`: Scrapy's own command, with an exit status a scheduler can act on.

Scrapy exits 0 from any crawl that started, however it went. This command
exits with the outcome the crawl run decided (`aggregator/run/outcome.py`):

- 0: the crawl ran and every health check passed (or checks are off);
- 1: a health check failed, the checks gave no verdict (they raised), or the
  crawl could not start;
- 2: a usage error: an unknown spider, a bad site file, bad `-a` arguments, a
  database URL that cannot work (not a URL, an unknown kind of database, its
  driver not installed, an in-memory SQLite database) (checked before
  anything starts, in one line);
- 75 (EX_TEMPFAIL): refused, another run of the same site holds its lock.

`-a` arguments: the generic `news` spider builds its site from them (keys as
in a site file, checked as strictly); a site spider takes its settings from
its file and refuses them. Keys starting with `_` belong to the scheduler
(Scrapyd's `_job`) and are ignored.

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_CHECK_*` (validated up front).
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from aggregator.cli import check_settings, checked_database_url
from aggregator.run.crawl_run import outcome_of
from aggregator.run.outcome import EXIT_FAILED
from aggregator.sites import SiteConfigError
from aggregator.spiders.news import NewsSpider


def check_spider_arguments(spidercls: type[Spider], arguments: dict[str, Any]) -> None:
    """Refuse `-a` arguments a news spider would choke on or ignore, in one line."""
    if not issubclass(spidercls, NewsSpider):
        return
    site = spidercls.site_definition
    if site is None:
        try:
            NewsSpider._site_from_arguments(arguments)
        except SiteConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None
        return
    ignored = sorted(key for key in arguments if not key.startswith("_"))
    if ignored:
        raise UsageError(
            f"-a {ignored[0]}: the site spider {site.name} takes its settings from "
            f"{site.source}; edit that file, or use `scrapy crawl news -a url=...`",
            print_help=False,
        )


class Command(ScrapyCrawlCommand):
    def long_desc(self) -> str:
        return (
            "Run a spider of the current project, by name. Exit status: 0 ok, 1 a health "
            "check failed or the crawl did not start, 2 usage error, 75 another run of the "
            "same site is still going."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl <spider>")
        assert self.crawler_process is not None and self.settings is not None
        check_settings(self.settings)
        checked_database_url(self.settings, crawl=True)
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            raise UsageError(
                f"unknown spider {args[0]!r}; `scrapy list` names them", print_help=False
            ) from None
        check_spider_arguments(spidercls, opts.spargs)
        crawler = self._create_crawler(spidercls)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        failed = self.crawler_process.bootstrap_failed
        self.exitcode = EXIT_FAILED if failed else outcome_of(crawler).status
