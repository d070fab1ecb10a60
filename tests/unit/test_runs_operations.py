"""The site lock, the progress line and the stats file, without a crawl."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import signals
from scrapy.settings import Settings
from scrapy.signalmanager import SignalManager

from aggregator.extensions.progress import CrawlProgress
from aggregator.run.crawl_run import CrawlRun
from aggregator.run.lock import LockHeld, SiteFileLock, lock_dir


def test_a_held_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "el_diario.lock"
    first, second = SiteFileLock(path), SiteFileLock(path)
    first.acquire()
    # flock locks belong to open files, so a second open file conflicts even in one process.
    with pytest.raises(LockHeld) as held:
        second.acquire()
    assert str(held.value) == f"pid {os.getpid()}"
    assert path.read_text() == f"pid {os.getpid()}\n"  # the refused attempt did not truncate it
    first.release()
    second.acquire()
    second.release()
    assert path.exists()  # never deleted: see the module's docstring


def test_locks_of_different_sites_are_independent(tmp_path: Path) -> None:
    one, other = SiteFileLock(tmp_path / "a.lock"), SiteFileLock(tmp_path / "b.lock")
    one.acquire()
    other.acquire()
    one.release()
    other.release()


def test_the_lock_directory_is_relative_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = aggregator.settings\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert lock_dir("locks") == tmp_path / "locks"
    assert lock_dir("/var/lock/aggregator") == Path("/var/lock/aggregator")


class FakeStats:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def test_progress_rates_are_per_minute_over_the_interval() -> None:
    stats = FakeStats()
    progress = CrawlProgress(stats, interval=30.0)  # type: ignore[arg-type]
    progress.site = "el_diario"
    stats.values.update({"response_received_count": 40, "item_scraped_count": 10})
    stats.values.update({"aggregator/store/inserted": 7, "log_count/ERROR": 1})
    assert progress.progress_line() == (
        "Progress of el_diario: 40 pages (80/min), 10 items (20/min), 7 new, 1 errors"
    )
    stats.values.update({"response_received_count": 55, "item_scraped_count": 10})
    assert progress.progress_line().startswith(
        "Progress of el_diario: 55 pages (30/min), 10 items (0/min)"
    )


@pytest.mark.parametrize("engine_starts", [True, False])
def test_the_stats_file_is_written_once_whether_or_not_the_engine_started(
    engine_starts: bool, tmp_path: Path
) -> None:
    """A crawl refused while opening never starts its engine, so no engine_stopped comes."""
    stats: dict[str, Any] = {"aggregator/lock/refused": 1}
    crawler = SimpleNamespace(
        settings=Settings(
            {
                "AGGREGATOR_STATS_FILE": str(tmp_path / "{spider}.json"),
                "AGGREGATOR_LOCK_ENABLED": False,
                "AGGREGATOR_CHECKS_ENABLED": False,
                "AGGREGATOR_RECORD_RUNS": False,
            }
        ),
        signals=SignalManager(),
        stats=SimpleNamespace(
            get_stats=lambda: stats,
            set_value=stats.__setitem__,
            inc_value=lambda key, n=1: stats.__setitem__(key, stats.get(key, 0) + n),
        ),
        spider=SimpleNamespace(name="el_diario"),
    )
    run = CrawlRun.from_crawler(crawler)  # type: ignore[arg-type]
    writes: list[int] = []
    write = run._write_stats_file

    def counted_write() -> None:
        writes.append(1)
        write()

    run._write_stats_file = counted_write  # type: ignore[method-assign]
    if engine_starts:
        crawler.signals.send_catch_log(signals.engine_started)
    stats["finish_reason"] = "already_running"
    asyncio.run(run.spider_closed(crawler.spider, reason="x"))  # type: ignore[arg-type]
    if engine_starts:
        assert writes == []
        stats["log_count/INFO"] = 9  # counted after the spider closed
        crawler.signals.send_catch_log(signals.engine_stopped)
    assert writes == [1]
    written = json.loads((tmp_path / "el_diario.json").read_text())
    assert written == stats
