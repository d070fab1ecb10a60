"""Fixture sites for the distributed tests: servers on distinct loopback hosts, requests logged.

`TimedSiteServer` is the demo `SiteServer` plus the start and end time of
every request, so a test can tell, at the servers, how many requests were
open at once on a host (several servers may share one address) and whether
two sites were ever crawled at the same time.
"""

from __future__ import annotations

import subprocess
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from tests.support import FROZEN_NOW, scrapy_process_args


class TimedSiteServer(SiteServer):
    """A `SiteServer` that keeps (start, end) of every request, on the monotonic clock."""

    def __init__(self, site: NewsSite, *, host: str, delay: float) -> None:
        self.spans: list[tuple[float, float]] = []
        self._spans_lock = threading.Lock()
        super().__init__(site, host=host, delay=delay)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        start = time.monotonic()
        try:
            super()._serve(handler)
        finally:
            with self._spans_lock:
                self.spans.append((start, time.monotonic()))


def most_open_at_once(spans: list[tuple[float, float]]) -> int:
    """The most requests open at one moment, from their (start, end) spans."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    most = current = 0
    for _, change in events:
        current += change
        most = max(most, current)
    return most


def spans_overlap(one: list[tuple[float, float]], other: list[tuple[float, float]]) -> bool:
    return any(a < d and c < b for a, b in one for c, d in other)


@dataclass
class FixtureSite:
    name: str
    server: TimedSiteServer

    def article_urls(self) -> set[str]:
        return {f"{self.server.url}{a.path}".rstrip("/") for a in self.server.site.articles}


def start_sites(
    stack: ExitStack, sites_dir: Path, hosts: list[str], *, articles: int, delay: float
) -> list[FixtureSite]:
    """One site per host, `site_<n>`, each with its own articles, and its site file."""
    sites = []
    for number, host in enumerate(hosts, start=1):
        site = NewsSite(FROZEN_NOW, articles=articles, seed=number)
        server = stack.enter_context(TimedSiteServer(site, host=host, delay=delay))
        name = f"site_{number}"
        write_site_file(sites_dir, name, f"{server.url}/category/news/")
        sites.append(FixtureSite(name, server))
    return sites


def write_site_file(sites_dir: Path, name: str, url: str) -> None:
    sites_dir.mkdir(parents=True, exist_ok=True)
    text = f'start_urls = ["{url}"]\ntimezone = "America/New_York"\nlanguages = ["en"]\n'
    (sites_dir / f"{name}.toml").write_text(text)


def start_worker(
    cwd: Path, settings: dict[str, str], log: Path, concurrency: int = 1
) -> subprocess.Popen[bytes]:
    command, env = scrapy_process_args(["worker", "-c", str(concurrency)], settings)
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)


def run_command(cwd: Path, args: list[str], settings: dict[str, str]) -> str:
    command, env = scrapy_process_args(args, settings)
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
