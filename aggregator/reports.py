"""How crawl runs and sites are shown: the table rows and JSON of `scrapy runs` and `scrapy sites`.

One line per run: when it started (UTC), the site, its status (failed runs in
capitals, with the checks that failed), the finish reason, how long it took,
the articles found (ITEMS: scraped, or KNOWN: already stored and not fetched
again) and what storing them did, in-run duplicates and other drops,
requests and errors, the age of the newest article, and for a crawl started
by `scrapy worker` the worker (host:pid) and its queue job id. Items and errors
carry their change against the previous completed run of the same site.
The counted columns in JSON are those of `COUNTED_COLUMNS`, declared once.

Plain aligned text rather than a table library: it reads the same in a
terminal, a cron mail and a log file, and costs no dependency.
"""

from __future__ import annotations

from typing import Any

from aggregator.cli import when
from aggregator.health.figures import COUNTED_COLUMNS, RunFigures, figures_from_stats, json_safe
from aggregator.sites import Site
from aggregator.store.jobruns import LOST
from aggregator.store.models import CrawlRun
from aggregator.store.runs import FAILED

RUN_HEADERS = (
    "ID", "STARTED (UTC)", "SITE", "STATUS", "REASON", "TIME", "ITEMS", "NEW", "UPD",
    "UNCH", "KNOWN", "DUP", "DROP", "REQ", "ERR", "NEWEST", "FAILED CHECKS", "WORKER",
)  # fmt: skip
SITE_HEADERS = ("SITE", "ENABLED", "LAST RUN (UTC)", "STATUS", "ITEMS", "NEW", "FAILED CHECKS")
RUN_FIELDS = (
    "id", "spider", "site", "started_at", "finished_at", "finish_reason", "status",
    "failed_checks", "worker_host", "worker_pid", "job_id",
)  # fmt: skip


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def age(seconds: float | None) -> str:
    """A duration as operators read it: 45m, 5h, 3d."""
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{max(seconds, 0) / 60:.0f}m"


def with_change(value: int, before: int | None) -> str:
    return str(value) if before is None or before == value else f"{value} ({value - before:+d})"


def run_seconds(run: CrawlRun) -> float | None:
    if run.finished_at is None:
        return None
    return (run.finished_at - run.started_at).total_seconds()


def change(figures: RunFigures, before: RunFigures | None) -> dict[str, int] | None:
    """Items, new items, requests and errors against the previous run."""
    if before is None:
        return None
    names = ("articles_seen", "items_new", "requests", "errors")
    return {name: getattr(figures, name) - getattr(before, name) for name in names}


def status_text(run: CrawlRun) -> str:
    """The run's status; `+backlog` when a listing archive is still unwalked after it.

    `lost` (aggregator/store/jobruns.py): the crawl died with no chance to write its end.
    """
    text = run.status.upper() if run.status in {FAILED, LOST} else run.status
    if figures_from_stats(run.stats or {}).backlog_unwalked:
        text += " +backlog"
    return text


def worker_text(run: CrawlRun) -> str:
    """`host:pid job N` for a crawl started by `scrapy worker`, else `-`."""
    if run.job_id is None and run.worker_host is None:
        return "-"
    return f"{run.worker_host or '?'}:{run.worker_pid or '?'} job {run.job_id or '?'}"


def table_row(run: CrawlRun, previous: CrawlRun | None) -> list[str]:
    figures = figures_from_stats(run.stats or {})
    before = figures_from_stats(previous.stats or {}) if previous else None
    return [
        str(run.id),
        when(run.started_at),
        run.site or run.spider,
        status_text(run),
        run.finish_reason or "-",
        duration(run_seconds(run)),
        with_change(figures.articles_seen, before.articles_seen if before else None),
        str(run.items_new),
        str(run.items_updated),
        str(run.items_unchanged),
        str(figures.items_known),
        str(run.items_duplicate),
        str(run.items_dropped),
        str(run.requests),
        with_change(run.errors, previous.errors if previous else None),
        age(figures.newest_age_seconds),
        ", ".join(run.failed_checks) or "-",
        worker_text(run),
    ]


def run_json(run: CrawlRun, previous: CrawlRun | None) -> dict[str, Any]:
    """One run for `--json`: the columns, the figures and the change since the previous run."""
    figures = figures_from_stats(run.stats or {})
    before = figures_from_stats(previous.stats or {}) if previous else None
    data = {name: getattr(run, name) for name in (*RUN_FIELDS, *COUNTED_COLUMNS)}
    data["duration_seconds"] = run_seconds(run)
    data["figures"] = figures.to_json()
    data["previous_id"] = previous.id if previous else None
    data["change"] = change(figures, before)
    safe: dict[str, Any] = json_safe(data)
    return safe


def site_row(site: Site, run: CrawlRun | None) -> list[str]:
    enabled = "yes" if site.enabled else "no"
    if run is None:
        return [site.name, enabled, "never", "-", "-", "-", "-"]
    return [
        site.name,
        enabled,
        when(run.started_at),
        status_text(run),
        str(figures_from_stats(run.stats or {}).articles_seen),
        str(run.items_new),
        ", ".join(run.failed_checks) or "-",
    ]


def site_json(site: Site, run: CrawlRun | None) -> dict[str, Any]:
    last = None
    if run is not None:
        last = {
            "id": run.id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "status": run.status,
            "finish_reason": run.finish_reason,
            "failed_checks": run.failed_checks,
            "items_new": run.items_new,
        }
    data = {"site": site.name, "enabled": site.enabled, "source": site.source, "last_run": last}
    safe: dict[str, Any] = json_safe(data)
    return safe
