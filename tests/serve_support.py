"""Helpers for the `scrapy serve` tests: a real server process, a seeded database, HTTP calls.

The server runs as `python -m scrapy serve --port 0` in its own process, as an
operator starts it, and the test reads the address it prints. Articles are
written through the store's own `ArticleRepository.save_batch`, the path a
crawl's store pipeline takes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aggregator.items import ArticleItem
from tests.support import scrapy_process_args

NOW = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)
STARTUP_SECONDS = 60


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    token: str | None = None

    def get(self, path: str, *, token: str | None = None, timeout: float = 30) -> Answer:
        """GET `path`; with the server's token unless another (or "") is given."""
        request = urllib.request.Request(self.url + path)
        bearer = self.token if token is None else token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())


@contextmanager
def running_server(database_url: str, cwd: Path, *, token: str | None = None) -> Iterator[Server]:
    """`scrapy serve --port 0` over `database_url` until the block ends."""
    settings = {"AGGREGATOR_SERVE_TOKEN": token or "", "AGGREGATOR_CLOCK": NOW.isoformat()}
    command, env = scrapy_process_args(
        ["serve", "--port", "0", "--database", database_url], settings
    )
    log = (cwd / f"serve-{time.monotonic_ns()}.log").open("w")
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the address or the process's end
        if not line.startswith("Serving on "):
            process.wait(STARTUP_SECONDS)
            raise AssertionError(f"serve did not start: {line!r} {Path(log.name).read_text()}")
        yield Server(line.split()[-1].rstrip("/"), process, token)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def article(n: int, *, site: str = "daily", body: str | None = None, **fields: Any) -> ArticleItem:
    """Article number `n`, published `n` hours before NOW."""
    values: dict[str, Any] = {
        "url": f"https://{site}.example/story/{n}?utm_source=x",
        "canonical_url": f"https://{site}.example/story/{n}",
        "site": site,
        "title": f"Story {n} from {site}",
        "body": body or f"Story number {n} of {site} says something distinct {n * 7919}.",
        "content_hash": hashlib.sha256((body or f"{site}{n}").encode()).hexdigest(),
        "fetched_at": NOW,
        "published_at": NOW - timedelta(hours=n),
        "published_raw": f"{n} hours ago",
        "published_source": "time",
        "published_precision": "minute",
        "authors": ["Ann Writer"],
        "tags": ["news"],
    }
    values.update(fields)
    return ArticleItem(**values)
