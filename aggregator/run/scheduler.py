"""Starting the sites of `scrapy crawlall`: bounded concurrency, never two sites sharing a host.

Each crawl has its own downloader, so two sites on one newspaper crawled
together would each take `CONCURRENT_REQUESTS_PER_DOMAIN`: sites whose
`allowed_domains` overlap (the same host, or one a subdomain of the other)
never crawl at the same time; the later one waits for the earlier to finish,
and sites behind it that share no host go first.

Settings: none (the command passes `AGGREGATOR_CRAWLALL_CONCURRENCY`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler, CrawlerProcessBase

logger = logging.getLogger(__name__)


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
