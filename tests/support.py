"""Helpers shared by the tests: running a crawl in a child process and reading its results.

Each crawl runs as `python -m scrapy crawl ...` in its own process, as an
operator would run it, because Twisted's reactor cannot be restarted inside
one test process. The crawl's final stats come back through a JSON file that
the test-only extension `tests/stats_dump.py` writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aggregator import settings as project_settings

ROOT = Path(__file__).resolve().parent.parent
FROZEN_NOW = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)

# Fast, deterministic crawling of our own local server.
TEST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "AGGREGATOR_CLOCK": FROZEN_NOW.isoformat(),
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    """What a crawl process left behind."""

    returncode: int
    log: str
    stats: dict[str, Any]


def run_scrapy(
    args: list[str],
    *,
    cwd: Path,
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> CrawlResult:
    """Run `scrapy <args>` in `cwd` with the test settings; stats are read back from a file."""
    stats_file = cwd / f"stats-{len(list(cwd.glob('stats-*.json')))}.json"
    merged = {**TEST_SETTINGS, **(settings or {}), "AGGREGATOR_TEST_STATS_FILE": str(stats_file)}
    # EXTENSIONS given with -s replaces the project's dict, so the project's
    # extensions, then the caller's, then the stats dump are merged here.
    extensions = {
        **project_settings.EXTENSIONS,
        **json.loads(merged.get("EXTENSIONS", "{}")),
        "tests.stats_dump.DumpStats": 0,
    }
    merged["EXTENSIONS"] = json.dumps(extensions)
    command = [sys.executable, "-m", "scrapy", *args]
    for key, value in merged.items():
        command += ["-s", f"{key}={value}"]
    process_env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "aggregator.settings",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    done = subprocess.run(
        command,
        cwd=cwd,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(done.returncode, done.stdout + done.stderr, stats)
