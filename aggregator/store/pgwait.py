"""`BoundedConnection`: a psycopg connection whose every wait for the server has a deadline.

Imported only when a PostgreSQL connection is opened (see `aggregator.store.bounds`,
which says why and how the deadline is chosen).
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

import psycopg
from psycopg.abc import PQGen

from aggregator.store.bounds import DEFAULT_TIMEOUT, STALLS

RV = TypeVar("RV")
# psycopg's own polling interval (its `_WAIT_INTERVAL`): how often Ctrl-C is noticed.
_POLL_INTERVAL = 0.1


class BoundedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait for the server ends after `stall_timeout` seconds."""

    stall_timeout: float | None = DEFAULT_TIMEOUT
    stall_key: str = ""

    def wait(
        self, gen: PQGen[RV], interval: float = _POLL_INTERVAL, timeout: float | None = None
    ) -> RV:
        limit = timeout if timeout is not None else self.stall_timeout
        if limit is not None:
            # An open connection to a database that just stalled is no better than a new one.
            STALLS.check(self.stall_key)
        started = time.monotonic()
        try:
            return super().wait(gen, interval, limit)
        except psycopg.OperationalError as exc:
            if limit is None or time.monotonic() - started < limit:
                raise
            # The protocol is mid-exchange: the connection cannot be used again.
            self.pgconn.finish()
            STALLS.trip(self.stall_key, limit, f"no answer within {limit:g} s")
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} s; connection closed"
            ) from exc
