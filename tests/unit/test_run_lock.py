"""The crawl lock's interface: `build_lock` gives a `CrawlLock` that the crawl run can use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scrapy.settings import Settings

from aggregator.run.lock import CrawlLock, LockHeld, SiteFileLock, build_lock


def test_build_lock_gives_the_site_file_lock_in_the_lock_directory(tmp_path: Path) -> None:
    settings = Settings({"AGGREGATOR_LOCK_DIR": str(tmp_path / "locks")})
    lock: CrawlLock = build_lock(settings, "el_diario", ["eldiario.example"])
    assert isinstance(lock, SiteFileLock)
    assert lock.description == str(tmp_path / "locks" / "el_diario.lock")
    lock.acquire()
    other = build_lock(settings, "el_diario", [])
    with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
        other.acquire()
    lock.release()
    lock.release()  # idempotent
    other.acquire()
    other.release()


def test_a_lock_note_that_cannot_be_written_keeps_the_old_note_and_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk must not leave a 0-byte lock note (issue 15 item 8)."""
    path = tmp_path / "a.lock"
    path.write_text("pid 1\n")

    def full_disk(*_args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full_disk)
    lock = SiteFileLock(path)
    lock.acquire()
    assert path.read_text() == "pid 1\n"
    assert "holder note could not be written" in caplog.text
    with pytest.raises(LockHeld):
        SiteFileLock(path).acquire()
    lock.release()
