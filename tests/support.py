"""Helpers shared by the tests: running a crawl in a child process and reading its results.

Each crawl runs as `python -m scrapy crawl ...` in its own process, as an
operator would run it, because Twisted's reactor cannot be restarted inside
one test process. The crawl's final stats come back through the JSON file that
`aggregator.run.files` writes.
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

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.store.models import Article

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


def news_crawl_args(server: SiteServer, *, site_name: str = "daily") -> list[str]:
    """`scrapy crawl news` arguments for the whole of a served sample site."""
    site = server.site
    return [
        "crawl", "news",
        "-a", f"url={server.url}/category/news/",
        "-a", f"site={site_name}",
        "-a", f"timezone={site.timezone}",
        "-a", f"max_pages={site.pages}",
    ]  # fmt: skip


@dataclass
class CrawlResult:
    """What a crawl process left behind."""

    returncode: int
    log: str
    stats: dict[str, Any]


def scrapy_process_args(
    args: list[str], settings: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of `scrapy <args>` with the test settings."""
    command = [sys.executable, "-m", "scrapy", *args]
    for key, value in {**TEST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    process_env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "aggregator.settings",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    return command, process_env


def start_scrapy(
    args: list[str], *, cwd: Path, settings: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`scrapy <args>` started without waiting (output discarded), so a test can act meanwhile."""
    command, env = scrapy_process_args(args, settings)
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )


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
    command, process_env = scrapy_process_args(
        args, {**(settings or {}), "AGGREGATOR_STATS_FILE": str(stats_file)}, env
    )
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


@dataclass
class Crawled:
    """A crawl into a database and the articles that database holds afterwards (by id)."""

    result: CrawlResult
    articles: list[Article]

    def by_title(self) -> dict[str, Article]:
        return {row.title: row for row in self.articles if row.title is not None}

    def by_path(self, base_url: str) -> dict[str, Article]:
        """Articles keyed by their URL with `base_url` (the fixture server's) removed."""
        return {row.url.removeprefix(base_url): row for row in self.articles}


def stored_articles(database: str) -> list[Article]:
    """Every row of `articles` in `database`, by id (detached, readable after the session)."""
    engine = create_engine(database)
    try:
        with Session(engine, expire_on_commit=False) as session:
            rows = list(session.scalars(select(Article).order_by(Article.id)))
            session.expunge_all()
    finally:
        engine.dispose()
    return rows


def crawl_into(
    database: str,
    args: list[str],
    *,
    cwd: Path,
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> Crawled:
    """Run `scrapy <args>` storing into `database`, then read back what it stored."""
    result = run_scrapy(
        args,
        cwd=cwd,
        settings={"AGGREGATOR_DATABASE_URL": database, **(settings or {})},
        env=env,
        timeout=timeout,
    )
    return Crawled(result, stored_articles(database))
