"""`scrapy crawlall [site ...]`: crawl every enabled site (or those named) in one process.

At most `AGGREGATOR_CRAWLALL_CONCURRENCY` sites (or `--concurrency`) crawl at
once; when one finishes the next starts. Each site is an ordinary crawl with
its own spider, stats, lock, health checks and `crawl_runs` row. Each crawl
also has its own downloader, so two sites on one newspaper crawled together
would each take `CONCURRENT_REQUESTS_PER_DOMAIN`: sites whose
`allowed_domains` overlap (the same host, or one a subdomain of the other)
never crawl at the same time; the later one waits for the earlier to finish,
and sites behind it that share no host go first. At the end one line per site
says how it went, and the exit status is that of the worst site: 1 if any
failed, else 75 if any was refused by its lock, else 0 (see `crawl.py`).
Sites named on the command line run even when their file says
`enabled = false`.

Settings: `AGGREGATOR_CRAWLALL_CONCURRENCY`, `AGGREGATOR_SITES_DIR`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler, CrawlerProcessBase
from scrapy.exceptions import UsageError

from aggregator.commands.crawl import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    check_settings,
    checked_database_url,
    crawl_outcome,
)
from aggregator.commands.runs import format_table
from aggregator.sites import Site

logger = logging.getLogger(__name__)


def overall_status(statuses: list[int]) -> int:
    """The exit status of the whole run: any failure wins over a refusal."""
    if EXIT_FAILED in statuses:
        return EXIT_FAILED
    if EXIT_LOCKED in statuses:
        return EXIT_LOCKED
    return EXIT_OK if all(status == EXIT_OK for status in statuses) else EXIT_FAILED


def _host(domain: str) -> str:
    """A domain as Scrapy keys its download slots: the host name, lower case, no port."""
    return (urlsplit(f"//{domain.strip()}").hostname or "").rstrip(".")


def shared_host(one: Iterable[str], other: Iterable[str]) -> str | None:
    """A host both lists crawl (equal, or one a subdomain of the other), or None."""
    theirs = [host for host in map(_host, other) if host]
    for mine in filter(None, map(_host, one)):
        for host in theirs:
            if mine == host or mine.endswith(f".{host}"):
                return host
            if host.endswith(f".{mine}"):
                return mine
    return None


@dataclass(slots=True)
class SiteCrawl:
    """One site's crawler, waiting or running."""

    name: str
    crawler: Crawler
    domains: tuple[str, ...]
    said_waiting: bool = False


class SiteScheduler:
    """Start site crawls, at most `concurrency` at once and never two sharing a host."""

    def __init__(self, process: CrawlerProcessBase, concurrency: int) -> None:
        self.process = process
        self.concurrency = concurrency
        self.waiting: list[SiteCrawl] = []
        self.running: list[SiteCrawl] = []

    def start_what_can_run(self) -> None:
        """Start every waiting site that fits, in order; a site sharing a host waits.

        When nothing runs, the first waiting site always starts, so the process
        never ends while sites wait.
        """
        for site in list(self.waiting):
            if len(self.running) >= self.concurrency:
                return
            blocker = next(
                (
                    (other.name, host)
                    for other in self.running
                    if (host := shared_host(site.domains, other.domains))
                ),
                None,
            )
            if blocker is not None:
                if not site.said_waiting:
                    logger.info("%s waits for %s: both crawl %s", site.name, *blocker)
                    site.said_waiting = True
                continue
            self.waiting.remove(site)
            self.running.append(site)
            self._start(site)

    def _start(self, site: SiteCrawl) -> None:
        """Start one crawl; when it ends, start whatever can run next.

        The follow-up is attached to the crawl's own Task (asyncio) or Deferred
        (Twisted), which completes before the process checks whether any crawl
        is still active, so the process never stops while sites are waiting.
        """
        running: Any = self.process.crawl(site.crawler)
        if hasattr(running, "add_done_callback"):
            running.add_done_callback(lambda _task: self._finished(site))
        else:
            running.addBoth(self._finished_then_pass, site)

    def _finished(self, site: SiteCrawl) -> None:
        self.running.remove(site)
        self.start_what_can_run()

    def _finished_then_pass(self, result: Any, site: SiteCrawl) -> Any:
        self._finished(site)
        return result


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
            "end. Exit status 0 all ok, 1 any site failed, 75 any site refused by its lock "
            "(and none failed), 2 usage error."
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

    def _sites(self, args: list[str]) -> dict[str, Site]:
        """The sites to crawl, by name, in order."""
        assert self.crawler_process is not None
        loader: Any = self.crawler_process.spider_loader
        if not hasattr(loader, "sites"):
            raise UsageError("SPIDER_LOADER_CLASS must be aggregator's SiteSpiderLoader")
        sites: dict[str, Site] = loader.sites()
        unknown = [name for name in args if name not in sites]
        if unknown:
            known = ", ".join(sorted(sites)) or "none"
            raise UsageError(f"unknown site {unknown[0]!r}; configured sites: {known}")
        if args:
            return {name: sites[name] for name in dict.fromkeys(args)}
        return {name: sites[name] for name in sorted(sites) if sites[name].enabled}

    def _concurrency(self, option: int | None) -> int:
        assert self.settings is not None
        if option is not None:
            if option < 1:
                raise UsageError("--concurrency must be 1 or more", print_help=False)
            return option
        setting = self.settings.getint("AGGREGATOR_CRAWLALL_CONCURRENCY", 2)
        if setting < 1:
            raise UsageError(
                "setting AGGREGATOR_CRAWLALL_CONCURRENCY must be 1 or more", print_help=False
            )
        return setting

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        concurrency = self._concurrency(opts.concurrency)
        check_settings(self.settings)
        checked_database_url(self.settings)
        sites = self._sites(args)
        if not sites:
            print("No enabled sites to crawl (see sites/*.toml)")
            return
        scheduler = SiteScheduler(self.crawler_process, concurrency)
        scheduler.waiting = [
            SiteCrawl(name, self.crawler_process.create_crawler(name), site.allowed_domains)
            for name, site in sites.items()
        ]
        crawls = list(scheduler.waiting)
        scheduler.start_what_can_run()
        self.crawler_process.start()
        outcomes = [crawl_outcome(crawl.crawler) for crawl in crawls]
        rows = [
            [crawl.name, word, detail]
            for crawl, (_, word, detail) in zip(crawls, outcomes, strict=True)
        ]
        print("\n".join(format_table(("SITE", "OUTCOME", "DETAIL"), rows)))
        self.exitcode = overall_status([status for status, _, _ in outcomes])
