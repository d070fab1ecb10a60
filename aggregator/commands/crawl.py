"""`scrapy crawl <spider>`: Scrapy's own command, with an exit status a scheduler can act on.

Scrapy exits 0 from any crawl that started, however it went. This command
reads the health checks' verdict from the finished crawler (the stats that
`aggregator/extensions/checks.py` and `lock.py` leave) and exits:

- 0: the crawl ran and every health check passed (or checks are off);
- 1: a health check failed, or the crawl could not start;
- 2: a usage error: an unknown spider, a bad site file, bad `-a` arguments
  (checked before anything starts, in one line);
- 75 (EX_TEMPFAIL): refused, another run of the same site holds its lock.

`-a` arguments: the generic `news` spider builds its site from them (keys as
in a site file); a site spider takes its settings from its file and refuses
them. Keys starting with `_` belong to the scheduler (Scrapyd's `_job`) and
are ignored.

`crawl_outcome` is shared with `scrapy crawlall`.
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from aggregator.extensions.figures import LOCK_REFUSED
from aggregator.extensions.rules import CHECKS, SETTING_PREFIX, CheckConfigError, resolve_limits
from aggregator.sites import SiteConfigError
from aggregator.spiders.news import NewsSpider

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LOCKED = 75


def crawl_outcome(crawler: Crawler) -> tuple[int, str, str]:
    """(exit status, one-word outcome, detail) of a finished crawler."""
    try:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    except RuntimeError:
        # Scrapy sets `crawler.stats` only once the crawl starts: this one never did.
        stats = {}
    if getattr(crawler, "spider", None) is None or "finish_reason" not in stats:
        return EXIT_FAILED, "failed", "the crawl did not start (see the log)"
    if stats.get(LOCK_REFUSED):
        return EXIT_LOCKED, "skipped", "another run of this site is still going"
    failed = [check.name for check in CHECKS if stats.get(f"aggregator/checks/failed/{check.name}")]
    if stats.get("aggregator/checks/failed"):
        return EXIT_FAILED, "failed", ", ".join(failed)
    items = stats.get("item_scraped_count", 0)
    new = stats.get("aggregator/store/inserted", 0)
    return EXIT_OK, "ok", f"{items} items, {new} new ({stats['finish_reason']})"


def check_settings(settings: BaseSettings) -> None:
    """Refuse malformed `AGGREGATOR_CHECK_*` settings in one line, before anything is crawled."""
    try:
        resolve_limits(settings, {})
    except CheckConfigError as exc:
        name = SETTING_PREFIX + exc.key.upper()
        raise UsageError(f"setting {name}: {exc.problem}", print_help=False) from None


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
        status, _, _ = crawl_outcome(crawler)
        self.exitcode = EXIT_FAILED if self.crawler_process.bootstrap_failed else status
