"""Crawl throughput and memory: the full pipeline against a bare spider, in one run.

Serves a generated news site of N articles (pages of about 100 KB, like real
news pages) on 127.0.0.1, then crawls it twice in child processes with the
same download settings (no politeness delays: this measures CPU, not
patience): once with `scrapy crawl news` and the full pipeline into SQLite,
once with a bare spider that fetches the same pages and does nothing else.

Prints pages per second for both and their ratio, the peak RSS of the crawl
(the crawler process and its children, sampled from /proc), and where the
full crawl's CPU time went, from the `aggregator/timing/<stage>` stats.

    python benchmarks/crawl.py                 # N = 5,000
    python benchmarks/crawl.py --sizes 5000,50000 --skip-bare
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.demo.server import SiteServer  # noqa: E402
from aggregator.demo.site import NewsSite  # noqa: E402

COMMON_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
    "AGGREGATOR_PROGRESS_INTERVAL": "0",
}


@dataclass
class Run:
    """What one crawl process did."""

    label: str
    seconds: float
    pages: int
    cpu_seconds: float
    peak_rss_mb: float
    stats: dict[str, Any]

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _sample(pid: int, cpu_by_pid: dict[int, float]) -> int:
    """RSS of the tree under `pid` in KB; records each process's CPU seconds so far."""
    total = 0
    for current in _descendants(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0
        )
        cpu_by_pid[current] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def run_crawl(label: str, args: list[str], workdir: Path, settings: dict[str, str]) -> Run:
    """Run `scrapy <args>` as a child process; sample its memory until it exits."""
    stats_file = workdir / f"{label}-stats.json"
    command = [sys.executable, "-m", "scrapy", *args]
    for key, value in {
        **COMMON_SETTINGS,
        **settings,
        "AGGREGATOR_STATS_FILE": str(stats_file),
    }.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "aggregator.settings", "PYTHONPATH": str(ROOT)}
    with open(workdir / f"{label}.log", "w") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
    peak = [0]
    cpu_by_pid: dict[int, float] = {}
    # Not `process.poll()`: it could reap the child before `wait4` reads its usage.
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.1):
            peak[0] = max(peak[0], _sample(process.pid, cpu_by_pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    finished.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    if not stats:
        raise SystemExit(
            f"{label}: no stats; its log ends:\n{(workdir / (label + '.log')).read_text()[-3000:]}"
        )
    return Run(
        label=label,
        seconds=float(stats.get("elapsed_time_seconds", 0.0)),
        pages=int(stats.get("response_received_count", 0)),
        # The crawler's own CPU is exact; its workers' as last sampled (they are not its
        # waited-for children, so wait4 does not count them).
        cpu_seconds=usage.ru_utime
        + usage.ru_stime
        + sum(cpu for pid, cpu in cpu_by_pid.items() if pid != process.pid),
        peak_rss_mb=peak[0] / 1024,
        stats=stats,
    )


def crawl_site(
    articles: int, padding_kb: int, skip_bare: bool, workers: str
) -> tuple[Run, Run | None, int]:
    """Serve a generated site, crawl it (full pipeline, then bare); the runs and the page size."""
    site = NewsSite(datetime.now(UTC), articles=articles, per_page=50, padding_kb=padding_kb)
    page_bytes = len(site.handle(site.articles[0].path).body)
    with SiteServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = f"{server.url}/category/news/"
        full = run_crawl(
            "full",
            [
                "crawl",
                "news",
                "-a",
                f"url={url}",
                "-a",
                f"max_pages={site.pages + 1}",
                "-a",
                f"timezone={site.timezone}",
                "-a",
                "languages=en",
            ],
            workdir,
            {
                "AGGREGATOR_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
                "AGGREGATOR_LOCK_DIR": str(workdir / "locks"),
                "AGGREGATOR_EXTRACT_WORKERS": workers,
            },
        )
        bare = None
        if not skip_bare:
            bare = run_crawl(
                "bare",
                ["runspider", str(ROOT / "benchmarks" / "bare_spider.py"), "-a", f"url={url}"],
                workdir,
                {"ITEM_PIPELINES": "{}"},
            )
    return full, bare, page_bytes


def stage_lines(run: Run) -> list[str]:
    """CPU seconds per stage, and their share of the CPU time of the crawl and its workers."""
    timings = {
        k.rsplit("/", 1)[1]: float(v)
        for k, v in run.stats.items()
        if k.startswith("aggregator/timing/")
    }
    lines = []
    for stage, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        share = seconds / run.cpu_seconds if run.cpu_seconds else 0.0
        lines.append(f"    {stage:<12} {seconds:8.2f} s CPU  {share:6.1%}")
    rest = run.cpu_seconds - sum(timings.values())
    lines.append(
        f"    {'rest':<12} {rest:8.2f} s CPU  {rest / run.cpu_seconds:6.1%}"
        "  (Scrapy, HTTP, listing pages, logging)"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000", help="comma-separated article counts")
    parser.add_argument("--padding-kb", type=int, default=90, help="theme markup per page")
    parser.add_argument("--skip-bare", action="store_true", help="only the full pipeline")
    parser.add_argument(
        "--workers", default="auto", help="AGGREGATOR_EXTRACT_WORKERS for the full crawl"
    )
    options = parser.parse_args()
    peaks: list[tuple[int, float]] = []
    for size in (int(part) for part in options.sizes.split(",")):
        full, bare, page_bytes = crawl_site(
            size, options.padding_kb, options.skip_bare, options.workers
        )
        print(f"N = {size:,} articles, article pages of {page_bytes / 1024:.0f} KB")
        stored = full.stats.get("aggregator/store/inserted", 0)
        print(
            f"  full pipeline: {full.pages_per_second:7.1f} pages/s ({full.pages} pages in "
            f"{full.seconds:.1f} s, {stored} stored), CPU {full.cpu_seconds:.1f} s, "
            f"peak RSS {full.peak_rss_mb:.0f} MB"
        )
        if bare:
            print(
                f"  bare spider:   {bare.pages_per_second:7.1f} pages/s ({bare.pages} pages in "
                f"{bare.seconds:.1f} s), CPU {bare.cpu_seconds:.1f} s, "
                f"peak RSS {bare.peak_rss_mb:.0f} MB"
            )
            print(
                f"  ratio full/bare: {full.pages_per_second / bare.pages_per_second:.2f}"
                " (target >= 0.70)"
            )
        print(
            "  By stage in the full crawl (extract: CPU in the worker;"
            " pipelines: time on the reactor thread):"
        )
        print("\n".join(stage_lines(full)))
        peaks.append((size, full.peak_rss_mb))
    if len(peaks) > 1:
        (n0, m0), (n1, m1) = peaks[0], peaks[-1]
        print(
            f"peak RSS grows {m1 / m0:.2f}x for {n1 / n0:.0f}x the articles "
            f"({m0:.0f} MB -> {m1:.0f} MB)"
        )


if __name__ == "__main__":
    main()
