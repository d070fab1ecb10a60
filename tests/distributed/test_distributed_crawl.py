"""Many workers on one queue: nothing lost, nothing doubled, no host crawled twice at once.

Real services: the PostgreSQL of this machine (queue, host locks, articles).
Seven site files on six loopback hosts (site_1 and site_1b share 127.0.0.2,
on two ports), three worker processes, every site queued, one worker
SIGKILLed in the middle of a crawl, one site queued twice at once. Checked at
the end: every article stored exactly once, every site has an ok run, no host
ever saw more requests open at once than the per-domain limit (measured at
the servers), site_1 and site_1b were never fetched from at the same time, the
killed worker's job was handed to another worker, and the crawl that died
with it is recorded as `lost` (never `ok`), with the worker and the job id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import create_engine, text

from aggregator.demo.site import NewsSite
from tests.distributed.fixtures import (
    FixtureSite,
    TimedSiteServer,
    most_open_at_once,
    run_command,
    scrapy_process_args,
    spans_overlap,
    start_sites,
    start_worker,
    write_site_file,
)
from tests.support import FROZEN_NOW

pytestmark = pytest.mark.postgres
PER_DOMAIN = 2
T = TypeVar("T")


def queue_settings(workdir: Path, database_url: str) -> dict[str, str]:
    """Fast failure detection for a test: heartbeats every 0.5 s, lost after 3 s."""
    return {
        "AGGREGATOR_DATABASE_URL": database_url,
        "AGGREGATOR_SITES_DIR": str(workdir / "sites"),
        "AGGREGATOR_LOCK_DIR": str(workdir / "locks"),
        "AGGREGATOR_SPOOL_DIR": str(workdir / "spool"),
        "AGGREGATOR_CLOCK": "aggregator.clock.utcnow",
        "AGGREGATOR_EXTRACT_WORKERS": "0",
        # Generated articles of different sites look alike; this test is about distribution.
        "AGGREGATOR_NEAR_DUPLICATE_THRESHOLD": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(PER_DOMAIN),
        "AGGREGATOR_QUEUE_HEARTBEAT": "0.5",
        "AGGREGATOR_QUEUE_STALLED_AFTER": "3",
        "AGGREGATOR_QUEUE_POLL_INTERVAL": "0.5",
        "AGGREGATOR_QUEUE_BUSY_RETRY_DELAY": "1",
    }


def wait_for(what: str, check: Callable[[], T | None], timeout: float = 150) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def test_three_workers_one_killed_and_a_duplicate(
    tmp_path: Path, postgres_url: str, workers: list[subprocess.Popen[bytes]]
) -> None:
    settings = queue_settings(tmp_path, postgres_url)
    db = create_engine(postgres_url)

    def query(sql: str, **params: Any) -> list[Any]:
        with db.connect() as conn:
            return list(conn.execute(text(sql), params))

    with ExitStack() as stack:
        hosts = [f"127.0.0.{n}" for n in range(2, 8)]
        sites = start_sites(stack, tmp_path / "sites", hosts, articles=10, delay=0.15)
        twin = stack.enter_context(
            TimedSiteServer(
                NewsSite(FROZEN_NOW, articles=10, seed=99), host="127.0.0.2", delay=0.15
            )
        )
        write_site_file(tmp_path / "sites", "site_1b", f"{twin.url}/category/news/")
        sites.append(FixtureSite("site_1b", twin))
        by_name = {site.name: site for site in sites}

        log = tmp_path / "workers.log"
        workers.extend(start_worker(tmp_path, settings, log) for _ in range(3))
        queued = run_command(tmp_path, ["enqueue", "--all"], settings)
        assert queued.count("queued ") == len(sites), queued

        # SIGKILL a worker once its crawl has fetched a few pages.
        def busy_worker() -> tuple[int, str, int] | None:
            for pid, running in query(
                "SELECT pid, running FROM aggregator_queue.aggregator_workers"
            ):
                for crawl in running.get("crawls", []):
                    if sum(by_name[crawl["site"]].server.hits.values()) >= 4:
                        return pid, crawl["site"], crawl["job_id"]
            return None

        victim_pid, victim_site, victim_job = wait_for("a crawl under way", busy_worker)
        os.kill(victim_pid, signal.SIGKILL)

        # The same site queued twice at once: one job waits, the other is refused.
        command, env = scrapy_process_args(["enqueue", "site_4"], settings)
        twice = [
            subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=120)[0] for process in twice]
        assert sum(out.count("queued site_4") for out in outputs) <= 1, outputs
        assert sum(out.count("site_4") for out in outputs) == 2, outputs

        def all_done() -> bool:
            waiting = query(
                "SELECT count(*) FROM aggregator_queue.procrastinate_jobs"
                " WHERE status IN ('todo', 'doing')"
            )[0][0]
            ok = {row[0] for row in query("SELECT DISTINCT site FROM crawl_runs WHERE status='ok'")}
            return waiting == 0 and ok >= set(by_name)

        wait_for("every job done", all_done, timeout=240)
        listed = json.loads(run_command(tmp_path, ["workers", "--json"], settings))
        shown = json.loads(run_command(tmp_path, ["runs", "-n", "100", "--json"], settings))
        table = run_command(tmp_path, ["runs", "-n", "100"], settings)

    # Every article of every site stored exactly once (URLs are unique in the table).
    stored = [row[0] for row in query("SELECT url FROM articles")]
    expected = set().union(*(site.article_urls() for site in sites))
    assert sorted(stored) == sorted(expected)
    # Politeness per host, measured at the servers (127.0.0.2 has two servers).
    shared = by_name["site_1"].server.spans + twin.spans
    assert most_open_at_once(shared) <= PER_DOMAIN
    for site in sites:
        assert most_open_at_once(site.server.spans) <= PER_DOMAIN, site.name
    # The two sites sharing a host were never fetched from at once.
    assert not spans_overlap(by_name["site_1"].server.spans, twin.spans)
    # The killed worker's job went back to the queue and was finished by another worker.
    job = query(
        "SELECT status, attempts FROM aggregator_queue.procrastinate_jobs WHERE id = :id",
        id=victim_job,
    )[0]
    assert job.attempts >= 1 and job.status in {"succeeded", "failed"}, job
    assert "was lost" in log.read_text()
    # Its crawl died with it: that run is recorded as lost, with the dead worker, never as ok.
    victim_runs = query(
        "SELECT status, finish_reason, worker_host, job_id FROM crawl_runs"
        " WHERE site = :s AND worker_pid = :p",
        s=victim_site,
        p=victim_pid,
    )
    assert [tuple(row[:2]) for row in victim_runs] == [("lost", "worker_lost")], victim_runs
    assert victim_runs[0].worker_host and victim_runs[0].job_id == str(victim_job)
    assert query("SELECT count(*) FROM crawl_runs WHERE status = 'running'")[0][0] == 0
    # `scrapy workers`: the two survivors live, with their outcomes; the victim lost or gone.
    survivors = {process.pid for process in workers if process.pid != victim_pid}
    assert {row["pid"] for row in listed if not row["lost"]} == survivors, listed
    assert all(row["lost"] for row in listed if row["pid"] == victim_pid), listed
    assert all(row["counts"].get("ok", 0) >= 1 for row in listed if not row["lost"]), listed
    # `scrapy runs` shows the worker and job of each run, and the lost one as LOST.
    assert all(run["job_id"] and run["worker_pid"] for run in shown), shown
    lost = [run for run in shown if run["status"] == "lost"]
    assert [(run["site"], run["worker_pid"]) for run in lost] == [(victim_site, victim_pid)]
    assert "LOST" in table and f":{victim_pid} job {victim_job}" in table, table
    # Every run started by a worker says which one, and for which job.
    unattributed = "SELECT count(*) FROM crawl_runs WHERE job_id IS NULL OR worker_pid IS NULL"
    assert query(unattributed)[0][0] == 0
    db.dispose()
