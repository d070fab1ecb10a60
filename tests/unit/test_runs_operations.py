"""The site lock and the progress line, without a crawl."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from aggregator.extensions.lock import LockHeld, SiteFileLock, lock_dir
from aggregator.extensions.progress import CrawlProgress


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
