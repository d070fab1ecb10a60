"""Bounded waits on PostgreSQL: no statement, connection check or connection attempt waits forever.

A database that stops answering without closing the connection (a network
partition, a frozen proxy or server) would otherwise hold a crawl for as long
as it lasts: libpq waits on an open socket with no limit, TCP keepalives
and `tcp_user_timeout` only notice a peer that no longer acknowledges, and
PostgreSQL's own `statement_timeout` only helps when the server can answer.
So three layers, all derived from one number of seconds
(`AGGREGATOR_DATABASE_TIMEOUT`, passed to `schema.open_engine`):

- server side (connect options): `statement_timeout`, `lock_timeout` and
  `idle_in_transaction_session_timeout`, so nothing waits on a lock held by a
  vanished writer;
- kernel side (libpq parameters): `connect_timeout`, TCP keepalives and
  `tcp_user_timeout`, so a dead peer is noticed;
- client side: `pgwait.BoundedConnection.wait` gives every wait of psycopg
  (each statement, commit, rollback, and the pool's pre-ping, which is a
  statement) the same deadline; past it, the connection is closed and the
  call raises `psycopg.OperationalError`, which SQLAlchemy treats as a
  disconnect.

A wait that ran into its deadline also trips `STALLS`, a per-database
breaker: for the next `STALL_BACKOFF` timeouts, connections to that database
(new ones, and the next call on open ones) fail at once instead of each
waiting the whole bound again, so the store, the incremental lookups and the
run record of one crawl pay for a silent database once, not once each.

psycopg is imported only when a PostgreSQL connection is made: loading it
(and its libpq) costs a SQLite crawl about 9 MB of memory for nothing.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aggregator.store.pgwait import BoundedConnection

# Seconds: the default of `AGGREGATOR_DATABASE_TIMEOUT` (also the old connect timeout).
DEFAULT_TIMEOUT = 10.0
# After a stall, new connections are refused for this many timeouts.
STALL_BACKOFF = 3


def database_timeout(settings: Any) -> float | None:
    """`AGGREGATOR_DATABASE_TIMEOUT` from Scrapy settings, for `open_engine` (0: None, unbounded).

    Every component that opens the database during a crawl reads it here, so
    the store, the incremental lookups, the listing walks and the run record
    share one bound.
    """
    seconds: float = settings.getfloat("AGGREGATOR_DATABASE_TIMEOUT", DEFAULT_TIMEOUT)
    return seconds or None


class StallBreaker:
    """Remembers, per database, until when new connections are refused after a stall."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, tuple[float, str]] = {}

    def trip(self, key: str, timeout: float, what: str) -> None:
        """`what` waited `timeout` seconds in vain: refuse connections for a while."""
        with self._lock:
            self._until[key] = (time.monotonic() + STALL_BACKOFF * timeout, what)

    def check(self, key: str) -> None:
        """Raise `psycopg.OperationalError` while a recent stall holds for `key`."""
        with self._lock:
            until, what = self._until.get(key, (0.0, ""))
        left = until - time.monotonic()
        if left > 0:
            import psycopg  # here: only PostgreSQL connections get this far

            raise psycopg.OperationalError(
                f"the database stopped answering ({what}); not tried again for {left:.0f} s"
            )

    def reset(self, key: str | None = None) -> None:
        """Forget the stalls of `key` (every database when None)."""
        with self._lock:
            if key is None:
                self._until.clear()
            else:
                self._until.pop(key, None)


STALLS = StallBreaker()


def connect(key: str, timeout: float | None, *args: Any, **kwargs: Any) -> BoundedConnection:
    """A `BoundedConnection`, refused at once while `key` is in a stall back-off."""
    import psycopg  # here, not at the top: see the module docstring

    from aggregator.store.pgwait import BoundedConnection

    STALLS.check(key)
    started = time.monotonic()
    try:
        connection = BoundedConnection.connect(*args, **kwargs)
    except psycopg.OperationalError:
        # A refused connection fails in milliseconds; one that used the whole
        # connect timeout met a silent server.
        if timeout is not None and time.monotonic() - started >= timeout * 0.9:
            STALLS.trip(key, timeout, f"no connection within {timeout:g} s")
        raise
    connection.stall_timeout = timeout
    connection.stall_key = key
    return connection


def connect_args(timeout: float | None, options: str | None = None) -> dict[str, Any]:
    """libpq parameters bounding every wait by `timeout` seconds (None: no bound)."""
    if timeout is None:
        return {"options": options} if options else {}
    seconds = max(2, round(timeout))  # libpq takes whole seconds, at least 2
    millis = round(timeout * 1000)
    server = (
        f"-c statement_timeout={millis} -c lock_timeout={millis} "
        # A crawler computes between the statements of a batch: leave it room.
        f"-c idle_in_transaction_session_timeout={max(60_000, 6 * millis)}"
    )
    return {
        "connect_timeout": seconds,
        "keepalives": 1,
        "keepalives_idle": seconds,
        "keepalives_interval": max(1, seconds // 3),
        "keepalives_count": 3,
        "tcp_user_timeout": millis,
        "options": f"{server} {options}" if options else server,
    }
