"""`scrapy crawl <spider>`: Scrapy's own command, with an exit status a scheduler can act on.

Scrapy exits 0 from any crawl that started, however it went. This command
reads the health checks' verdict from the finished crawler (the stats that
`aggregator/extensions/checks.py` and `lock.py` leave) and exits:

- 0: the crawl ran and every health check passed (or checks are off);
- 1: a health check failed, the checks gave no verdict (they raised), or the
  crawl could not start;
- 2: a usage error: an unknown spider, a bad site file, bad `-a` arguments, a
  database URL that cannot work (not a URL, an unknown kind of database, its
  driver not installed) (checked before anything starts, in one line);
- 75 (EX_TEMPFAIL): refused, another run of the same site holds its lock.

`-a` arguments: the generic `news` spider builds its site from them (keys as
in a site file); a site spider takes its settings from its file and refuses
them. Keys starting with `_` belong to the scheduler (Scrapyd's `_job`) and
are ignored.

`crawl_outcome`, `check_settings` and `checked_database_url` are shared with
the other commands.

Settings: `AGGREGATOR_CHECKS_ENABLED` (whether a verdict is expected),
`AGGREGATOR_DATABASE_URL`, `AGGREGATOR_CHECK_*` (validated up front).
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from aggregator.extensions.figures import LOCK_REFUSED
from aggregator.extensions.rules import CHECKS, SETTING_PREFIX, CheckConfigError, resolve_limits
from aggregator.sites import SiteConfigError
from aggregator.spiders.news import NewsSpider
from aggregator.store.schema import open_engine

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LOCKED = 75
NO_VERDICT = "the health checks gave no verdict (see the log for the error)"


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
    verdict = stats.get("aggregator/checks/failed")
    if verdict is None and crawler.settings.getbool("AGGREGATOR_CHECKS_ENABLED", True):
        # HealthChecks sets the stat at every close it judges: it raised (logged as an ERROR).
        return EXIT_FAILED, "failed", NO_VERDICT
    failed = [check.name for check in CHECKS if stats.get(f"aggregator/checks/failed/{check.name}")]
    if verdict:
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


def database_url_problem(url: str) -> str | None:
    """Why `url` cannot work as the database (found without connecting), or None.

    Building the engine parses the URL, loads the dialect and imports its
    driver; otherwise a missing driver surfaces as a traceback in each
    component that opens the database during the crawl. The URL is never
    repeated: it may hold a password.
    """
    try:
        engine = open_engine(url)
    except NoSuchModuleError:
        return f"unknown kind of database {make_url(url).drivername!r}"
    except (ArgumentError, ValueError):
        return "not a database URL (such as sqlite:///aggregator.db or postgresql://user@host/news)"
    except ImportError as exc:
        parsed = make_url(url)
        driver = f"{parsed.get_backend_name()} ({parsed.get_driver_name()})"
        return f"the driver for {driver} is not installed: {exc}"
    engine.dispose()
    return None


def checked_database_url(settings: BaseSettings, option: str | None = None) -> str:
    """The database URL (`--database`, else the setting); one usage line when it cannot work."""
    url: str = option or settings["AGGREGATOR_DATABASE_URL"]
    problem = database_url_problem(url)
    if problem is not None:
        source = "--database" if option else "setting AGGREGATOR_DATABASE_URL"
        raise UsageError(f"{source}: {problem}", print_help=False)
    return url


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
        checked_database_url(self.settings)
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
