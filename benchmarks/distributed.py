"""Distributed crawling: articles per second with 1, 2 and 3 workers; recovery from a lost worker.

Politeness-bound sites: N fixture sites, each on its own loopback host
(127.0.0.2, 127.0.0.3, ...), each answering every request after a fixed
latency, crawled with one request open per host. One site's crawl is then
bounded by its latency, not by CPU, which is the case distribution is for:
more workers crawl more sites at once, each site as politely as before.

For each worker count, a fresh PostgreSQL database: start the workers, wait
until they are registered, `scrapy enqueue --all`, and time until every job
is done. Articles per second = articles stored / that time; the ratio is to
one worker, within this run. CPU seconds of all crawls and workers (children
of this process) are printed too, since wall-clock time on a shared machine is
noisy.

Recovery: two workers with the default heartbeat and stalled-worker settings
(`AGGREGATOR_QUEUE_HEARTBEAT`, `AGGREGATOR_QUEUE_STALLED_AFTER`, or those given
with --heartbeat / --stalled-after), one site queued, its worker SIGKILLed
once the crawl is under way; the delay from the kill to the crawl starting
again on the other worker, and to its run completing there.

    python benchmarks/distributed.py
    python benchmarks/distributed.py --sites 6 --articles 15 --latency 0.8 --workers 1,2,3

Needs the PostgreSQL server (AGGREGATOR_TEST_POSTGRES_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test); creates and drops its own databases.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from aggregator.demo.server import SiteServer  # noqa: E402
from aggregator.demo.site import NewsSite  # noqa: E402

ADMIN_URL = os.environ.get(
    "AGGREGATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FROZEN = "2024-07-05T12:00:00+00:00"


@contextmanager
def fresh_database() -> Iterator[str]:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aggregator_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scrapy(args: list[str], settings: dict[str, str]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", *args]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def environment() -> dict[str, str]:
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "aggregator.settings", "PYTHONPATH": str(ROOT)}


def bench_settings(workdir: Path, url: str, args: argparse.Namespace) -> dict[str, str]:
    return {
        "AGGREGATOR_DATABASE_URL": url,
        "AGGREGATOR_SITES_DIR": str(workdir / "sites"),
        "AGGREGATOR_LOCK_DIR": str(workdir / "locks"),
        "AGGREGATOR_SPOOL_DIR": str(workdir / "spool"),
        "AGGREGATOR_CLOCK": FROZEN,
        "AGGREGATOR_EXTRACT_WORKERS": "0",
        "AGGREGATOR_NEAR_DUPLICATE_THRESHOLD": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "LOG_LEVEL": "INFO",
        "AGGREGATOR_PROGRESS_INTERVAL": "0",
        "AGGREGATOR_QUEUE_HEARTBEAT": str(args.heartbeat),
        "AGGREGATOR_QUEUE_STALLED_AFTER": str(args.stalled_after),
        "AGGREGATOR_QUEUE_POLL_INTERVAL": "1",
        "AGGREGATOR_QUEUE_BUSY_RETRY_DELAY": "2",
    }


def serve_sites(stack: ExitStack, workdir: Path, count: int, articles: int, latency: float) -> None:
    (workdir / "sites").mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        site = NewsSite(articles=articles, seed=number)
        server = stack.enter_context(SiteServer(site, host=f"127.0.0.{number + 1}", delay=latency))
        (workdir / "sites" / f"site_{number}.toml").write_text(
            f'start_urls = ["{server.url}/category/news/"]\nmax_pages = 10\n'
        )


def query(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    except Exception:
        return []
    finally:
        engine.dispose()


def start_workers(
    count: int, settings: dict[str, str], workdir: Path
) -> list[subprocess.Popen[bytes]]:
    log = (workdir / "workers.log").open("ab")
    return [
        subprocess.Popen(
            scrapy(["worker"], settings), cwd=workdir, env=environment(), stdout=log, stderr=log
        )
        for _ in range(count)
    ]


def wait_until(check: Any, timeout: float, step: float = 0.2) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic()
        time.sleep(step)
    raise TimeoutError("benchmark step timed out")


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=120)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def throughput(workers: int, args: argparse.Namespace) -> tuple[int, float, float]:
    """(articles stored, seconds from enqueue to all done, CPU seconds of the children)."""
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, fresh_database() as url:
        workdir = Path(tmp)
        serve_sites(stack, workdir, args.sites, args.articles, args.latency)
        settings = bench_settings(workdir, url, args)
        cpu_before = children_cpu()
        started = start_workers(workers, settings, workdir)
        registered = "SELECT count(*) FROM aggregator_queue.aggregator_workers"
        wait_until(lambda: (query(url, registered) or [[0]])[0][0] == workers, 120)
        begin = time.monotonic()
        subprocess.run(
            scrapy(["enqueue", "--all"], settings), cwd=workdir, env=environment(), check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        pending = (
            "SELECT count(*) FROM aggregator_queue.procrastinate_jobs"
            " WHERE status IN ('todo', 'doing')"
        )
        done = wait_until(lambda: (query(url, pending) or [[1]])[0][0] == 0, 1800, 0.5)
        stored = query(url, "SELECT count(*) FROM articles")[0][0]
        stop(started)
        return stored, done - begin, children_cpu() - cpu_before


def recovery(args: argparse.Namespace) -> tuple[float, float]:
    """Seconds from a worker's SIGKILL to its site's crawl starting elsewhere, and completing."""
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, fresh_database() as url:
        workdir = Path(tmp)
        serve_sites(stack, workdir, 1, args.articles, args.latency)
        settings = bench_settings(workdir, url, args)
        started = start_workers(2, settings, workdir)
        wait_until(
            lambda: (query(url, "SELECT count(*) FROM aggregator_queue.aggregator_workers")
                     or [[0]])[0][0] == 2, 120)  # fmt: skip
        subprocess.run(
            scrapy(["enqueue", "site_1"], settings), cwd=workdir, env=environment(), check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        busy = (
            "SELECT pid FROM aggregator_queue.aggregator_workers"
            " WHERE jsonb_array_length(running->'crawls') > 0"
        )
        wait_until(lambda: bool(query(url, busy)), 120)
        time.sleep(2)  # well into the crawl
        victim = query(url, busy)[0][0]
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        again = (
            "SELECT pid FROM aggregator_queue.aggregator_workers"
            f" WHERE pid <> {victim} AND jsonb_array_length(running->'crawls') > 0"
        )
        restarted = wait_until(lambda: bool(query(url, again)), 600)
        ok = "SELECT count(*) FROM crawl_runs WHERE status = 'ok'"
        completed = wait_until(lambda: (query(url, ok) or [[0]])[0][0] >= 1, 600)
        stop([worker for worker in started if worker.pid != victim])
        return restarted - killed, completed - killed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--articles", type=int, default=15)
    parser.add_argument("--latency", type=float, default=0.8, help="seconds per request")
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--heartbeat", type=float, default=10.0)
    parser.add_argument("--stalled-after", type=float, default=30.0)
    parser.add_argument("--skip-recovery", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.sites} sites x {args.articles} articles, {args.latency} s per request, "
        "1 request open per host"
    )
    base = None
    for count in [int(part) for part in args.workers.split(",")]:
        stored, seconds, cpu = throughput(count, args)
        rate = stored / seconds
        base = base or rate
        print(
            f"{count} worker(s): {stored} articles in {seconds:.1f} s = {rate:.2f} articles/s, "
            f"x{rate / base:.2f} of 1 worker; CPU {cpu:.1f} s"
        )
    if not args.skip_recovery:
        restart, complete = recovery(args)
        print(
            f"lost worker (heartbeat {args.heartbeat:g} s, stalled after {args.stalled_after:g} s):"
            f" crawl restarted elsewhere after {restart:.1f} s, completed after {complete:.1f} s"
        )


if __name__ == "__main__":
    main()
