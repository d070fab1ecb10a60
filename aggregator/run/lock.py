"""The crawl lock: one crawl per site at a time, behind a small interface.

The crawl run (`aggregator.run`) takes the lock before the crawl fetches or
stores anything, and releases it when the crawl closes. It knows a lock only
as a `CrawlLock`: `acquire()` returns holding it, raises `LockHeld` naming the
holder, or raises another error when it cannot even try (a lock directory
that cannot be written, a lock service that is down); `release()` may be
called any number of times. `build_lock` picks the implementation; today it
is the file lock below on SQLite, and on PostgreSQL a lock shared between
machines (advisory locks keyed by the site's hosts, `aggregator/run/pglock.py`).

Why `fcntl.flock` on `<AGGREGATOR_LOCK_DIR>/<site>.lock`: the kernel drops
the lock when the holder's process ends, however it ends (a crash, SIGKILL,
an OOM kill), so there is no stale lock to clean up and no pid-file race;
it needs no service. It covers one host, which is where cron and systemd
timers run. The lock file is never deleted: deleting it would let a third
process lock a new file while the second still holds the old one.

The holder's note (`pid N`) is written into the locked file in place
(`pwrite` at offset 0, then truncate to its length) rather than by
truncate-then-write: on a full disk the old note stays readable instead of
an empty file, and the failure is logged. The note cannot be written to a
temporary file and renamed over the lock file: the rename would give the
path a new inode, unlocked, that a third process could lock.

Settings: `AGGREGATOR_LOCK_DIR` (relative paths are read from the project
directory, where `scrapy.cfg` is). `AGGREGATOR_LOCK_ENABLED` is read by the
crawl run, which builds no lock when it is off.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Protocol

from scrapy.settings import BaseSettings
from scrapy.utils.conf import closest_scrapy_cfg

logger = logging.getLogger(__name__)


class LockHeld(Exception):
    """Another holder has the lock; str(exc) says who (e.g. 'pid 1234 on host x')."""


class CrawlLock(Protocol):
    """A non-blocking, exclusive lock on one site's crawl."""

    description: str
    """What is locked, for log lines (e.g. the lock file's path)."""

    def acquire(self) -> None:
        """Return holding the lock, raise `LockHeld`, or raise another error when it cannot try."""
        ...

    def release(self) -> None:
        """Give the lock up; idempotent."""
        ...


def lock_dir(setting: str | None) -> Path:
    """`AGGREGATOR_LOCK_DIR`, relative to the project directory when not absolute."""
    path = Path(setting or "locks")
    if path.is_absolute():
        return path
    cfg = closest_scrapy_cfg()
    return (Path(cfg).parent if cfg else Path.cwd()) / path


class SiteFileLock:
    """An exclusive, non-blocking `flock` on one file, released by `release()` or process exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = str(path)
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
        except BaseException:
            handle.close()
            raise
        self._file = handle
        self._write_note(handle.fileno(), f"pid {os.getpid()}\n".encode())

    def _write_note(self, descriptor: int, note: bytes) -> None:
        """Say who holds the lock; a note that cannot be written is logged, the lock kept."""
        try:
            written = os.pwrite(descriptor, note, 0)
            if written != len(note):
                raise OSError(f"short write ({written} of {len(note)} bytes)")
            os.ftruncate(descriptor, len(note))
        except OSError as exc:
            logger.warning(
                "Holding %s, but its holder note could not be written: %s", self.path, exc
            )

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def build_lock(settings: BaseSettings, site: str, hosts: Sequence[str]) -> CrawlLock:
    """The lock for one site's crawl.

    With a PostgreSQL `AGGREGATOR_DATABASE_URL`, advisory locks on every host
    in `hosts` (the site's allowed domains and start-URL hosts), shared by all
    machines using that database (`aggregator/run/pglock.py`); otherwise the
    file lock on `<AGGREGATOR_LOCK_DIR>/<site>.lock`, which covers this host.
    """
    local = SiteFileLock(lock_dir(settings.get("AGGREGATOR_LOCK_DIR")) / f"{site}.lock")
    url = settings.get("AGGREGATOR_DATABASE_URL") or ""
    if url.startswith("postgresql"):
        from aggregator.run.pglock import PgHostLock  # psycopg: only for PostgreSQL

        # The file lock stands in while PostgreSQL is unreachable (the crawl then spools).
        if any(host.strip() for host in hosts):
            return PgHostLock(url, site, hosts, fallback=local)
    return local
