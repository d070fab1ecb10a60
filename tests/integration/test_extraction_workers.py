"""Extraction worker processes: used by a crawl, and gone with it even when it is killed."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from tests.support import FROZEN_NOW, news_crawl_args, run_scrapy, start_scrapy


def processes_started_in(workdir: Path) -> list[int]:
    """Pids of processes whose command line names `workdir` (the workers' sys.path does)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "multiprocessing" in command and str(workdir) in command:
            found.append(int(entry.name))
    return found


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_articles_are_extracted_in_a_worker(server: SiteServer, tmp_path: Path) -> None:
    result = run_scrapy(
        news_crawl_args(server),
        cwd=tmp_path,
        settings={
            "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}",
            "AGGREGATOR_EXTRACT_WORKERS": "1",
        },
    )
    assert result.stats["aggregator/store/inserted"] == len(server.site.articles)
    assert result.stats["aggregator/timing/extract"] > 0
    assert "aggregator/extract/worker_failed" not in result.stats
    assert wait_until(lambda: not processes_started_in(tmp_path), timeout=10)


def test_workers_die_with_a_killed_crawl(tmp_path: Path) -> None:
    site = NewsSite(FROZEN_NOW)
    with SiteServer(site, delay=0.3) as server:
        crawl = start_scrapy(
            news_crawl_args(server),
            cwd=tmp_path,
            settings={
                "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}",
                "AGGREGATOR_EXTRACT_WORKERS": "1",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            },
        )
        try:
            assert wait_until(lambda: len(processes_started_in(tmp_path)) >= 2), "no worker started"
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
    assert wait_until(lambda: not processes_started_in(tmp_path), timeout=10), processes_started_in(
        tmp_path
    )
