"""Nothing scraped is lost: database down at start or mid-crawl, and a crawl killed with SIGKILL."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.bounds import STALLS
from aggregator.store.models import Article
from aggregator.store.schema import open_engine
from tests.support import news_crawl_args, run_scrapy, scrapy_process_args, start_scrapy


def stored_titles(database_url: str) -> list[str]:
    """Titles of the stored articles ([] while the database or its schema is not there yet)."""
    engine = open_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Article.title)))
    except SQLAlchemyError:
        return []
    finally:
        engine.dispose()


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def spooled_lines(spool: Path) -> int:
    """Complete lines in the spool files (a kill mid-write leaves a torn last line)."""
    return sum(p.read_bytes().count(b"\n") for p in spool.glob("*.jsonl"))


def replay(cwd: Path, database_url: str) -> str:
    result = run_scrapy(["db", "replay", "--database", database_url], cwd=cwd)
    assert result.returncode == 0, result.log[-3000:]
    return result.log


def assert_every_article_stored_once(database_url: str, site: NewsSite) -> None:
    titles = stored_titles(database_url)
    assert sorted(titles) == sorted(a.title for a in site.articles)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `close()` cuts every connection and the listener.

    `freeze()` makes it go silent instead, as a partitioned network or a stopped
    server does: connections stay open (and new ones are accepted), but not one
    more byte goes through either way.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.frozen = threading.Event()
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self.frozen.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
            if self.frozen.is_set():
                continue  # accepted, never answered
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self.frozen.is_set():
                    self.closed.wait()  # hold the bytes, keep the connection
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


def proxy_to(database_url: str) -> tuple[TcpProxy, str]:
    """A proxy in front of the PostgreSQL server of `database_url`, and the URL through it."""
    direct = make_url(database_url)
    proxy = TcpProxy((direct.host or "127.0.0.1", direct.port or 5432))
    return proxy, direct.set(port=proxy.port).render_as_string(False)


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_database_down_at_start_spools_everything_and_replay_stores_it(
    backend: str, server: SiteServer, site: NewsSite, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'news.db'}"
        target = f"sqlite:///{tmp_path / 'news.db'}"
    else:
        target = request.getfixturevalue("postgres_url")
        unreachable = make_url(target).set(port=closed_port()).render_as_string(False)

    result = run_scrapy(
        news_crawl_args(server), cwd=tmp_path, settings={"AGGREGATOR_DATABASE_URL": unreachable}
    )

    assert result.stats["item_scraped_count"] == len(site.articles)
    assert result.stats["aggregator/store/spooled"] == len(site.articles)
    assert result.stats["aggregator/incremental/unknown_store"] >= 1
    assert "aggregator/store/inserted" not in result.stats
    assert "Database unusable" in result.log and "scrapy db replay" in result.log
    assert spooled_lines(tmp_path / "spool") == len(site.articles)

    log = replay(tmp_path, target)

    assert f"Replayed {len(site.articles)} articles" in log
    assert_every_article_stored_once(target, site)
    assert list((tmp_path / "spool").glob("*.jsonl")) == []


def test_database_lost_mid_crawl_spools_the_rest_and_replay_stores_it(
    site: NewsSite, tmp_path: Path, postgres_url: str
) -> None:
    proxy, via_proxy = proxy_to(postgres_url)
    with SiteServer(site, delay=0.3) as server:
        crawl = start_scrapy(
            news_crawl_args(server),
            cwd=tmp_path,
            settings={
                "AGGREGATOR_DATABASE_URL": via_proxy,
                "AGGREGATOR_STORE_BATCH_SIZE": "2",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            },
        )
        try:
            wait_until(lambda: len(stored_titles(postgres_url)) >= 2)
            proxy.close()
            assert crawl.wait(timeout=120) is not None
        finally:
            crawl.kill()
            proxy.close()

    stored_before = len(stored_titles(postgres_url))
    assert 2 <= stored_before < len(site.articles)
    # A batch whose COMMIT reached the server just before the cut is both stored and spooled.
    assert spooled_lines(tmp_path / "spool") >= len(site.articles) - stored_before

    replay(tmp_path, postgres_url)

    assert_every_article_stored_once(postgres_url, site)


def test_a_crawl_killed_mid_way_loses_nothing_and_the_rerun_stores_each_article_once(
    database_url: str, site: NewsSite, tmp_path: Path
) -> None:
    settings = {
        "AGGREGATOR_DATABASE_URL": database_url,
        "AGGREGATOR_STORE_BATCH_SIZE": "3",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "AGGREGATOR_INCREMENTAL_REFRESH_WINDOW": "0",
    }
    with SiteServer(site, delay=0.2) as server:
        crawl = start_scrapy(news_crawl_args(server), cwd=tmp_path, settings=settings)
        try:
            wait_until(lambda: len(stored_titles(database_url)) >= 3)
            wait_until(lambda: spooled_lines(tmp_path / "spool") >= 1)
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
        assert crawl.returncode == -signal.SIGKILL
        in_flight = spooled_lines(tmp_path / "spool")
        stored = len(stored_titles(database_url))
        assert stored < len(site.articles), "the kill came too late to test anything"
        server.hits.clear()

        rerun = run_scrapy(news_crawl_args(server), cwd=tmp_path, settings=settings)

    assert rerun.stats["aggregator/store/replayed"] == in_flight
    assert_every_article_stored_once(database_url, site)
    assert list((tmp_path / "spool").glob("*.jsonl")) == []


def test_silent_postgresql_connection_sigterm_ends_the_crawl_and_replay_stores_everything(
    site: NewsSite, tmp_path: Path, postgres_url: str
) -> None:
    """Issue 15, fault 2: a frozen connection froze the crawl, and SIGTERM did not end it."""
    proxy, via_proxy = proxy_to(postgres_url)
    log = tmp_path / "crawl.log"
    settings = {
        "AGGREGATOR_DATABASE_URL": via_proxy,
        "AGGREGATOR_DATABASE_TIMEOUT": "5",
        "AGGREGATOR_STORE_BATCH_SIZE": "2",
        "AGGREGATOR_PROGRESS_INTERVAL": "1",
        "AGGREGATOR_STATS_FILE": str(tmp_path / "stats.json"),
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
    }
    with SiteServer(site, delay=1.5) as server, log.open("w") as output:
        command, env = scrapy_process_args(news_crawl_args(server), settings)
        crawl = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=output, stderr=output)
        try:
            wait_until(lambda: len(stored_titles(postgres_url)) >= 2)
            proxy.freeze()
            frozen_at = log.read_text().count("Progress of")
            # The reactor keeps turning while the store waits on the silent database.
            wait_until(lambda: log.read_text().count("Progress of") >= frozen_at + 3)
            crawl.send_signal(signal.SIGTERM)
            asked = time.monotonic()
            crawl.wait(timeout=120)
            took = time.monotonic() - asked
        finally:
            crawl.kill()
            proxy.close()
    print(f"SIGTERM to exit: {took:.1f} s")
    assert took < 30, log.read_text()[-3000:]
    text = log.read_text()
    assert "Database unusable" in text and "Traceback" not in text
    stats = json.loads((tmp_path / "stats.json").read_text())
    scraped = stats["item_scraped_count"]
    stored_before = len(stored_titles(postgres_url))
    assert stored_before < scraped, "the freeze came too late to test anything"
    # A batch whose COMMIT reached the server just before the freeze is both stored and spooled.
    assert spooled_lines(tmp_path / "spool") >= scraped - stored_before

    started = time.monotonic()
    replay(tmp_path, postgres_url)
    print(f"replay: {time.monotonic() - started:.1f} s")

    titles = stored_titles(postgres_url)
    assert len(titles) == len(set(titles)) == scraped
    assert set(titles) <= {a.title for a in site.articles}


def test_silent_postgresql_connection_fails_each_call_instead_of_hanging(
    postgres_url: str,
) -> None:
    """Issue 15, fault 2, one call at a time: a pre-ping, a statement, a new connection."""
    proxy, via_proxy = proxy_to(postgres_url)
    engine = open_engine(via_proxy, timeout=1)
    errors: list[str] = []

    def use() -> None:
        try:
            with engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError as exc:
            errors.append(str(exc))

    try:
        use()
        assert errors == []
        proxy.freeze()
        for _ in range(2):  # the pooled connection's pre-ping, then a call during the back-off
            caller = threading.Thread(target=use, daemon=True)
            caller.start()
            caller.join(timeout=60)
            assert not caller.is_alive(), "a call on a silent database hung"
    finally:
        proxy.close()
        engine.dispose()
        STALLS.reset()
    assert len(errors) == 2
    assert all("the database stopped answering" in error for error in errors), errors
