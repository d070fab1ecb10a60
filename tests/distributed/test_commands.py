"""`scrapy enqueue`, `scheduler` and `workers` as operators run them."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.distributed.fixtures import scrapy_process_args, write_site_file


def project(tmp_path: Path, database_url: str) -> dict[str, str]:
    sites = tmp_path / "sites"
    write_site_file(sites, "alpha", "http://127.0.0.2:9/news/")
    write_site_file(sites, "beta", "http://127.0.0.3:9/news/")
    (sites / "off.toml").write_text('start_urls = ["http://127.0.0.4:9/"]\nenabled = false\n')
    return {"AGGREGATOR_SITES_DIR": str(sites), "AGGREGATOR_DATABASE_URL": database_url}


def scrapy(
    tmp_path: Path, args: list[str], settings: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command, env = scrapy_process_args(args, settings)
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_queue_commands_refuse_sqlite_in_one_line(tmp_path: Path) -> None:
    settings = project(tmp_path, f"sqlite:///{tmp_path / 'news.db'}")
    for args in (["enqueue", "--all"], ["worker"], ["scheduler"], ["workers"]):
        done = scrapy(tmp_path, args, settings)
        assert done.returncode == 2, done.stderr
        assert "the job queue needs PostgreSQL" in done.stderr
        assert "Traceback" not in done.stderr


def test_enqueue_needs_sites_or_a_flag_and_knows_its_sites(tmp_path: Path) -> None:
    settings = project(tmp_path, "postgresql://nobody@127.0.0.1:9/none")
    assert "name sites, or give --all or --due" in scrapy(tmp_path, ["enqueue"], settings).stderr
    done = scrapy(tmp_path, ["enqueue", "gamma"], settings)
    assert done.returncode == 2 and "unknown site 'gamma'" in done.stderr


@pytest.mark.postgres
def test_enqueue_all_due_and_named(tmp_path: Path, postgres_url: str) -> None:
    settings = project(tmp_path, postgres_url)
    first = scrapy(tmp_path, ["enqueue", "--all"], settings)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["queued alpha (job 1)", "queued beta (job 2)"]
    again = scrapy(
        tmp_path, ["enqueue", "--due", "-s", "AGGREGATOR_CLOCK=2026-12-03T12:00Z"], settings
    )
    assert again.stdout.splitlines() == [
        "waiting alpha (already queued)",
        "waiting beta (already queued)",
    ]
    named = scrapy(tmp_path, ["enqueue", "off"], settings)  # disabled, but named
    assert re.fullmatch(r"queued off \(job \d+\)", named.stdout.strip()), named.stdout
    workers = scrapy(tmp_path, ["workers"], settings)
    assert workers.returncode == 0 and "No workers" in workers.stdout


@pytest.mark.postgres
def test_scheduler_queues_enabled_sites_and_stops_on_sigterm(
    tmp_path: Path, postgres_url: str
) -> None:
    settings = project(tmp_path, postgres_url)
    command, env = scrapy_process_args(["scheduler"], settings)
    with subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as scheduler:
        assert scheduler.stdout is not None
        lines = [scheduler.stdout.readline().strip() for _ in range(2)]
        time.sleep(0.5)
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=60) == 0
    assert sorted(lines) == ["queued alpha (job 1)", "queued beta (job 2)"]
