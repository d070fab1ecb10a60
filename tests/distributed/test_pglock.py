"""The PostgreSQL host lock: all or nothing, freed with its session, taken again after a drop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from scrapy.settings import Settings
from sqlalchemy.engine import make_url

from aggregator.run.lock import LockHeld, SiteFileLock, build_lock
from aggregator.run.pglock import PgHostLock, conninfo, host_key, normalise_hosts

pytestmark = pytest.mark.postgres


def test_hosts_are_normalised_like_download_slots() -> None:
    assert normalise_hosts(["News.Example.com", "news.example.com:8080", "a.org.", ""]) == [
        "a.org",
        "news.example.com",
    ]
    assert host_key("a.org") == host_key("a.org") != host_key("b.org")


def test_second_holder_is_refused_and_named(postgres_url: str) -> None:
    first = PgHostLock(postgres_url, "site_a", ["127.0.0.2"])
    second = PgHostLock(postgres_url, "site_b", ["127.0.0.2"])
    first.acquire()
    try:
        with pytest.raises(LockHeld, match=r"site_a pid \d+ on .*host 127\.0\.0\.2"):
            second.acquire()
    finally:
        first.release()
    second.acquire()  # free once the first let go
    second.release()
    second.release()  # idempotent


def test_all_or_nothing_over_several_hosts(postgres_url: str) -> None:
    holder = PgHostLock(postgres_url, "b_only", ["b.test"])
    holder.acquire()
    wide = PgHostLock(postgres_url, "wide", ["a.test", "b.test", "c.test"])
    with pytest.raises(LockHeld):
        wide.acquire()
    # "a.test" was given back when "b.test" was refused.
    other = PgHostLock(postgres_url, "a_only", ["a.test"])
    other.acquire()
    other.release()
    holder.release()


def test_a_dead_session_frees_the_lock(postgres_url: str) -> None:
    first = PgHostLock(postgres_url, "site_a", ["dead.test"])
    first.acquire()
    with psycopg.connect(conninfo(postgres_url), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name LIKE 'site_a pid%'"
        )
    second = PgHostLock(postgres_url, "site_b", ["dead.test"])
    second.acquire()  # the killed session's lock is gone
    second.release()
    first._stop.set()


def holder_pid(admin: psycopg.Connection[tuple[object, ...]], host: str) -> object:
    row = admin.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
        " AND (classid::bigint << 32) | objid::bigint = %s",
        (host_key(host),),
    ).fetchone()
    return row[0] if row else None


def wait_until(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def test_watchdog_retakes_the_lock_after_a_drop_or_gives_up(postgres_url: str) -> None:
    lost: list[str] = []
    first = PgHostLock(
        postgres_url, "site_a", ["drop.test"], check_interval=0.2, on_lost=lost.append
    )
    first.acquire()
    kill = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name LIKE 'site_a pid%'"
    )
    with psycopg.connect(conninfo(postgres_url), autocommit=True) as admin:
        before = holder_pid(admin, "drop.test")
        admin.execute(kill)
        # Nobody else wants it: the watchdog takes it again, on a new session.
        wait_until(lambda: holder_pid(admin, "drop.test") not in {None, before})
        with pytest.raises(LockHeld):
            PgHostLock(postgres_url, "site_b", ["drop.test"]).acquire()
        # Now someone takes it while the connection is down: the crawl is told to stop.
        thief = PgHostLock(postgres_url, "thief", ["drop.test"], check_interval=60)
        with first._guard:  # hold the watchdog while the session dies and the thief steps in
            admin.execute(kill)
            wait_until(lambda: holder_pid(admin, "drop.test") is None)
            thief.acquire()
    deadline = time.monotonic() + 20
    while not lost and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lost and "another crawl took" in lost[0]
    thief.release()
    first.release()


def test_postgresql_away_at_start_falls_back_to_the_local_lock(
    postgres_url: str, tmp_path: Path
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed = probe.getsockname()[1]
    unreachable = make_url(postgres_url).set(port=closed).render_as_string(False)
    settings = Settings(
        {"AGGREGATOR_DATABASE_URL": unreachable, "AGGREGATOR_LOCK_DIR": str(tmp_path)}
    )
    lock = build_lock(settings, "site_a", ["a.test"])
    lock.acquire()  # no error: the crawl goes on (and spools)
    with pytest.raises(LockHeld):  # and this machine is still protected
        build_lock(settings, "site_a", ["a.test"]).acquire()
    lock.release()
    assert isinstance(
        build_lock(Settings({"AGGREGATOR_LOCK_DIR": str(tmp_path)}), "s", ["a"]), SiteFileLock
    )


def test_the_worker_sees_a_locked_host_before_starting_a_crawl(postgres_url: str) -> None:
    from aggregator.queue.runner import CrawlRunner

    runner = CrawlRunner(
        site_hosts={"a": ["Busy.test"], "b": ["free.test"]},
        settings_args=[],
        database_url=postgres_url,
    )
    for host in ("busy.test", "b.test"):  # keys of both signs: the query must rebuild either
        lock = PgHostLock(postgres_url, "holder", [host])
        lock.acquire()
        runner.site_hosts["probe"] = [host]
        try:
            assert asyncio.run(runner._host_busy("probe"))
        finally:
            lock.release()
        assert not asyncio.run(runner._host_busy("probe"))
    assert not asyncio.run(runner._host_busy("b"))
