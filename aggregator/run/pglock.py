"""A crawl lock shared by every machine: PostgreSQL advisory locks, one per host crawled.

Politeness is per host (Scrapy's download slots are keyed by host name), so
the lock is too: a crawl takes one session-level `pg_try_advisory_lock` for
each of its site's hosts, in sorted order, all or nothing. Two site files on
one host, or two jobs for one site, are then never crawled at once anywhere.
Sorted order plus "try, never wait" means two crawls can never deadlock: the
loser gives back what it took and raises `LockHeld` naming the holder (its
lock connection's `application_name`: site, pid and machine).

The locks live on a dedicated connection held for the crawl's whole life;
PostgreSQL drops them when that session ends, however the crawl ends
(SIGKILL, OOM, a lost machine), so there is nothing stale to clean up. The
flip side: if the connection dies while the crawl runs (PostgreSQL restarted,
a network cut), the locks are gone and another machine could start the same
host. A watchdog thread pings the connection every `check_interval` seconds;
on failure it reconnects and takes the locks again (nobody else can take them
while PostgreSQL is unreachable). If another crawl got there first, the lock
is lost for good: the watchdog logs it and calls `on_lost`, which by default
sends this process SIGTERM so that Scrapy closes the crawl gracefully
(finish reason `shutdown`, so its run is recorded as failed, not finished).

PostgreSQL unreachable when the crawl starts: the crawl still runs and
spools its articles (the store's rule: a database that is down never costs a
crawl), under the `fallback` lock (the local file lock, given by
`build_lock`), which covers this machine only; a warning says so.

Keys are the first 8 bytes of BLAKE2b over "aggregator-host:<host>", read as
a signed 64-bit integer: stable across machines and Python versions (unlike
`hash()`), and distinct from the store's own advisory-lock constants.

Settings: none of its own; `build_lock` (aggregator/run/lock.py) picks it
when `AGGREGATOR_DATABASE_URL` is PostgreSQL.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

import psycopg
from sqlalchemy.engine import make_url

from aggregator.run.lock import CrawlLock, LockHeld

logger = logging.getLogger(__name__)

KEY_PREFIX = "aggregator-host:"
CONNECT_TIMEOUT = 10
# Seconds between two pings of the lock connection.
CHECK_INTERVAL = 10.0
_HOLDER_QUERY = """
SELECT a.application_name, a.client_addr::text, a.pid
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
   AND (l.classid::bigint << 32) | l.objid::bigint = %s
 LIMIT 1
"""


def host_key(host: str) -> int:
    """The advisory-lock key of one host."""
    digest = hashlib.blake2b(f"{KEY_PREFIX}{host}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def normalise_hosts(domains: Iterable[str]) -> list[str]:
    """Host names as Scrapy keys its download slots: lower case, no port, sorted, unique."""
    hosts = {(urlsplit(f"//{domain.strip()}").hostname or "").rstrip(".") for domain in domains}
    return sorted(host for host in hosts if host)


def conninfo(database_url: str) -> str:
    """A libpq connection string from a SQLAlchemy PostgreSQL URL (`+psycopg` and all)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {url.render_as_string(hide_password=True)}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def stop_this_process(reason: str) -> None:
    """The default reaction to a lost lock: SIGTERM to ourselves, Scrapy's graceful stop."""
    logger.error("Stopping the crawl: %s", reason)
    os.kill(os.getpid(), signal.SIGTERM)


class PgHostLock:
    """Session-level advisory locks on every host of one site, on one dedicated connection."""

    def __init__(
        self,
        database_url: str,
        site: str,
        hosts: Sequence[str],
        *,
        check_interval: float = CHECK_INTERVAL,
        on_lost: Callable[[str], None] = stop_this_process,
        fallback: CrawlLock | None = None,
    ) -> None:
        self.hosts = normalise_hosts(hosts)
        if not self.hosts:
            raise ValueError(f"site {site!r} has no host to lock")
        self.site = site
        self.description = f"PostgreSQL advisory lock on {', '.join(self.hosts)}"
        self.check_interval = check_interval
        self.on_lost = on_lost
        self.fallback = fallback
        self._fell_back = False
        self._conninfo = conninfo(database_url)
        # application_name is at most 63 bytes; it is what a refused crawl reports.
        self._holder = f"{site} pid {os.getpid()} on {socket.gethostname()}"[:63]
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    def acquire(self) -> None:
        """Take every host's lock or none (`LockHeld`); the fallback when PostgreSQL is away."""
        try:
            with self._guard:
                self._conn = self._lock_all()
        except psycopg.OperationalError as exc:
            if self.fallback is None:
                raise
            logger.warning(
                "PostgreSQL unreachable for the host lock of %s (%s): using %s, which covers "
                "this machine only",
                self.site,
                exc,
                self.fallback.description,
            )
            self.fallback.acquire()
            self._fell_back = True
            return
        self._stop.clear()
        self._watchdog = threading.Thread(
            target=self._watch, name=f"lock-watchdog-{self.site}", daemon=True
        )
        self._watchdog.start()

    def release(self) -> None:
        """Give the locks up without waiting: a silent connection must never hold a crawl open.

        Closing the session releases its advisory locks on the server; the close
        runs in a daemon thread (a connection gone silent could block it), and
        so does the watchdog, which sees the stop and ends on its own.
        """
        if self._fell_back and self.fallback is not None:
            self.fallback.release()
            self._fell_back = False
        self._stop.set()
        conn, self._conn = self._conn, None
        if conn is not None:
            threading.Thread(target=conn.close, name="lock-close", daemon=True).start()
        self._watchdog = None

    def _lock_all(self) -> psycopg.Connection[tuple[object, ...]]:
        conn = psycopg.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name=self._holder,
        )
        try:
            for host in self.hosts:
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (host_key(host),)).fetchone()
                if not (row and row[0]):
                    holder = self._holder_of(conn, host)
                    raise LockHeld(f"{holder} (host {host})")
        except BaseException:
            conn.close()  # gives back the hosts already taken
            raise
        return conn

    @staticmethod
    def _holder_of(conn: psycopg.Connection[tuple[object, ...]], host: str) -> str:
        row = conn.execute(_HOLDER_QUERY, (host_key(host),)).fetchone()
        if row is None:  # released between our try and this look
            return "another crawl"
        name, address, pid = row
        return f"{name or 'session'} (backend {pid} from {address or 'local socket'})"

    def _watch(self) -> None:
        """Ping the lock connection; reconnect and re-lock after a drop, or give up the crawl."""
        while not self._stop.wait(self.check_interval):
            with self._guard:
                conn = self._conn  # release() may set it to None at any moment
                if conn is None:
                    return
                try:
                    conn.execute("SELECT 1")
                    continue
                except psycopg.Error as exc:
                    logger.warning("Lost the lock connection for %s: %s", self.site, exc)
                    conn.close()
                try:
                    self._conn = self._lock_all()
                except LockHeld as held:
                    self._conn = None
                    if not self._stop.is_set():
                        self.on_lost(f"another crawl took {self.description} meanwhile: {held}")
                    return
                except psycopg.Error as exc:
                    # Unreachable: nobody else can take the locks either; try again next tick.
                    logger.warning("Cannot take %s again yet: %s", self.description, exc)
                    continue
                if self._stop.is_set():  # released meanwhile: give the new session up too
                    self._conn.close()
                    self._conn = None
                    return
                logger.warning("Took %s again after the connection dropped", self.description)
