"""One crawl per site at a time on this host: a file lock taken before the crawl's components open.

A scheduled run that finds the previous run of the same site still going
stops before fetching anything: it logs one line naming the lock file and
the process holding it, its finish reason is `already_running`, its
`crawl_runs` row says `skipped`, and `scrapy crawl` exits with status 75
(EX_TEMPFAIL: try again later).

The lock is taken when the extension is built, which Scrapy does before it
builds the engine and its item pipelines. A refused run is then built
without item pipelines: the store would otherwise check and upgrade the
schema and replay other crawls' spool files for a crawl that fetches
nothing (and that could be racing the run holding the lock). The spider is
closed with the refusal as soon as it opens, the earliest point at which
Scrapy closes a crawl cleanly (its recorder row and stats are still written).

Why `fcntl.flock` on `<AGGREGATOR_LOCK_DIR>/<site>.lock`: the kernel drops
the lock when the holder's process ends, however it ends (a crash, SIGKILL,
an OOM kill), so there is no stale lock to clean up and no pid-file race;
it needs no service. It covers one host, which is where cron and systemd
timers run; crawling one site from several hosts would need a shared lock
(Redis, PostgreSQL advisory locks) and is not supported. The lock file is
never deleted: deleting it would let a third process lock a new file while
the second still holds the old one.

Settings: `AGGREGATOR_LOCK_ENABLED`, `AGGREGATOR_LOCK_DIR` (relative paths are
read from the project directory, where `scrapy.cfg` is).
Stats: `aggregator/lock/refused` (1 when this run was refused).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.conf import closest_scrapy_cfg

from aggregator.extensions.figures import LOCK_REFUSED, site_name

logger = logging.getLogger(__name__)

REFUSED_REASON = "already_running"
LOCK_FAILED_REASON = "lock_unavailable"


def lock_dir(setting: str | None) -> Path:
    """`AGGREGATOR_LOCK_DIR`, relative to the project directory when not absolute."""
    path = Path(setting or "locks")
    if path.is_absolute():
        return path
    cfg = closest_scrapy_cfg()
    return (Path(cfg).parent if cfg else Path.cwd()) / path


class LockHeld(Exception):
    """Another process holds the lock; the message says which."""


class SiteFileLock:
    """An exclusive, non-blocking `flock` on one file, released by `release()` or process exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise `LockHeld` (OSError when the file cannot be opened)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" so that a refused attempt does not truncate the holder's note.
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "an unknown process"
            handle.close()
            raise LockHeld(holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class SiteLock:
    """Refuse to crawl a site that another process on this host is crawling."""

    def __init__(self, stats: StatsCollector, directory: Path) -> None:
        self.stats = stats
        self.directory = directory
        self.lock: SiteFileLock | None = None
        self.refusal: str | None = None
        """The finish reason of a refused run, or None when this run holds the lock."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("AGGREGATOR_LOCK_ENABLED", True):
            raise NotConfigured("AGGREGATOR_LOCK_ENABLED is off")
        assert crawler.stats is not None and crawler.spider is not None
        extension = cls(crawler.stats, lock_dir(crawler.settings.get("AGGREGATOR_LOCK_DIR")))
        extension.acquire(site_name(crawler.spider))
        if extension.refusal is not None:
            without_pipelines(crawler.settings)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def acquire(self, site: str) -> None:
        """Take the site's lock, or log why not and remember the refusal."""
        lock = SiteFileLock(self.directory / f"{site}.lock")
        try:
            lock.acquire()
        except LockHeld as held:
            self.stats.set_value(LOCK_REFUSED, 1)
            logger.error(
                "Not crawling %s: another crawl of it is still running (%s holds %s)",
                site,
                held,
                lock.path,
            )
            self.refusal = REFUSED_REASON
        except OSError as exc:
            logger.error("Not crawling %s: cannot lock %s: %s", site, lock.path, exc)
            self.refusal = LOCK_FAILED_REASON
        else:
            self.lock = lock

    def spider_opened(self, spider: Spider) -> None:
        if self.refusal is not None:
            raise CloseSpider(self.refusal)

    def spider_closed(self, spider: Spider) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def without_pipelines(settings: BaseSettings) -> None:
    """Build this crawl with no item pipelines (settings are still open while extensions build)."""
    if settings.frozen:  # a Scrapy that builds extensions later: the pipelines stay
        return
    priority = settings.maxpriority()
    for name in ("ITEM_PIPELINES", "ITEM_PIPELINES_BASE"):
        settings.set(name, {}, priority=priority)
