"""Rendered pages against plain downloads: the same fixture pages crawled both ways.

Usage: .venv/bin/python benchmarks/render.py [--articles N] [--concurrency C] [--rounds R]

Serves the sample site on 127.0.0.1 (one listing page linking N articles) and
crawls it with the project's spider twice per round, in child processes as an
operator would: `render_js = false` (Scrapy's HTTP downloads) and
`render_js = "all"` (every page through scrapy-playwright and Chromium, images
and fonts aborted). Pipelines are off, so what is timed is download plus
extraction. Throughput is pages over the time from the first to the last
request the server saw, so the browser's start-up is left out (it is printed
on its own). Prints pages/s each way, their ratio, ms per page, and the
browser's memory (largest summed RSS and PSS of its processes, from the
crawl's stats). Ratios are measured within one run on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from tests.support import FROZEN_NOW, ROOT


class TimedSite(NewsSite):
    """The sample site, noting when each request arrived."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(FROZEN_NOW, **kwargs)
        self.arrivals: list[float] = []
        self._lock = threading.Lock()

    def handle(self, target: str) -> Response:
        with self._lock:
            self.arrivals.append(time.perf_counter())
        return super().handle(target)


@dataclass
class Run:
    mode: str
    pages: int
    items: int
    seconds: float
    startup: float
    stats: dict[str, Any]

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def crawl(site: TimedSite, url: str, render_js: str, concurrency: int, workdir: Path) -> Run:
    sites = workdir / f"sites-{render_js.strip(chr(34))}"
    sites.mkdir()
    (sites / "bench.toml").write_text(
        f'start_urls = ["{url}/category/news/"]\nrender_js = {render_js}\nmax_pages = 1\n'
    )
    stats_file = workdir / f"stats-{render_js.strip(chr(34))}.json"
    settings = {
        "AGGREGATOR_SITES_DIR": str(sites),
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "AGGREGATOR_DISCOVER_FEEDS": "False",
        "AGGREGATOR_DISCOVER_SITEMAPS": "False",
        "AGGREGATOR_RENDER_MEMORY_EVERY": "10",
        "AGGREGATOR_STATS_FILE": str(stats_file),
        "ITEM_PIPELINES": "{}",
        "ROBOTSTXT_OBEY": "False",
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": str(concurrency),
        "AGGREGATOR_CLOCK": FROZEN_NOW.isoformat(),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "bench"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    site.arrivals.clear()
    started = time.perf_counter()
    env = {"SCRAPY_SETTINGS_MODULE": "aggregator.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        command, cwd=workdir, env={**os.environ, **env}, capture_output=True, check=False
    )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    arrivals = sorted(site.arrivals)
    pages = len(arrivals)
    return Run(
        mode="rendered" if "all" in render_js else "plain",
        pages=pages,
        items=int(stats.get("item_scraped_count", 0)),
        seconds=(arrivals[-1] - arrivals[0]) if pages > 1 else 0.0,
        startup=(arrivals[0] - started) if arrivals else 0.0,
        stats=stats,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    site = TimedSite(articles=args.articles, per_page=args.articles)
    runs: list[Run] = []
    with SiteServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        for number in range(args.rounds):
            for render_js in ("false", '"all"'):
                workdir = Path(tmp) / f"round-{number}-{render_js.strip(chr(34))}"
                workdir.mkdir()
                runs.append(crawl(site, server.url, render_js, args.concurrency, workdir))
    print(f"{args.articles} articles + 1 listing page, concurrency {args.concurrency}")
    for run in runs:
        ms = 1000 * args.concurrency / run.pages_per_second if run.pages_per_second else 0.0
        print(
            f"{run.mode:>8}: {run.pages} pages, {run.items} articles extracted, "
            f"{run.pages_per_second:7.1f} pages/s ({ms:6.1f} ms a page per slot), "
            f"first request after {run.startup:4.1f} s"
        )
    plain = [r.pages_per_second for r in runs if r.mode == "plain"]
    rendered = [r for r in runs if r.mode == "rendered"]
    best_plain, best_rendered = max(plain), max(r.pages_per_second for r in rendered)
    if best_rendered:
        print(f"   ratio: plain downloads are {best_plain / best_rendered:.1f}x rendered pages")
    for run in rendered:
        rss = run.stats.get("aggregator/render/browser_rss_bytes", 0) / 2**20
        pss = run.stats.get("aggregator/render/browser_pss_bytes", 0) / 2**20
        procs = run.stats.get("aggregator/render/browser_processes", 0)
        print(f" browser: {procs} processes, RSS sum {rss:.0f} MiB, PSS sum {pss:.0f} MiB")


if __name__ == "__main__":
    main()
