"""`scrapy runs [site] [-n N] [--json]`: recent crawl runs, as a table a terminal can show.

One line per run, newest first: when it started (UTC), the site, its status
(failed runs in capitals, with the checks that failed), the finish reason,
how long it took, the articles found (ITEMS: scraped, or KNOWN: already
stored and not fetched again) and what storing them did, in-run duplicates
and other drops, requests and errors, and the age of the newest article.
Items and errors carry their change against the previous completed run of
the same site. `--json` prints
the same runs with every figure, for scripts.

Plain aligned text rather than a table library: it reads the same in a
terminal, a cron mail and a log file, and costs no dependency.

Settings: `AGGREGATOR_DATABASE_URL` (or `--database`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from aggregator.commands.crawl import checked_database_url
from aggregator.extensions.figures import RunFigures, figures_from_stats, json_safe
from aggregator.store.models import CrawlRun
from aggregator.store.runs import FAILED, CrawlRunRepository
from aggregator.store.schema import open_engine

HEADERS = (
    "ID", "STARTED (UTC)", "SITE", "STATUS", "REASON", "TIME", "ITEMS", "NEW", "UPD",
    "UNCH", "KNOWN", "DUP", "DROP", "REQ", "ERR", "NEWEST", "FAILED CHECKS",
)  # fmt: skip
NUMERIC = frozenset({"ID", "ITEMS", "NEW", "UPD", "UNCH", "KNOWN", "DUP", "DROP", "REQ", "ERR"})


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell; numbers right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for row in (headers, *rows):
        cells = [
            cell.rjust(width) if header in NUMERIC else cell.ljust(width)
            for header, cell, width in zip(headers, row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds / 60:.0f}m"


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


def table_row(run: CrawlRun, previous: CrawlRun | None) -> list[str]:
    figures = figures_from_stats(run.stats or {})
    before = figures_from_stats(previous.stats or {}) if previous else None
    return [
        str(run.id),
        when(run.started_at),
        run.site or run.spider,
        run.status.upper() if run.status == FAILED else run.status,
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
    ]


def run_json(run: CrawlRun, previous: CrawlRun | None) -> dict[str, Any]:
    """One run for `--json`: the columns, the figures and the change since the previous run."""
    figures = figures_from_stats(run.stats or {})
    before = figures_from_stats(previous.stats or {}) if previous else None
    columns = (
        "id", "spider", "site", "started_at", "finished_at", "finish_reason", "status",
        "failed_checks", "items_new", "items_updated", "items_unchanged", "items_duplicate",
        "items_dropped", "requests", "errors",
    )  # fmt: skip
    data = {name: getattr(run, name) for name in columns}
    data["duration_seconds"] = run_seconds(run)
    data["figures"] = figures.to_json()
    data["previous_id"] = previous.id if previous else None
    data["change"] = change(figures, before)
    safe: dict[str, Any] = json_safe(data)
    return safe


def runs_repository(url: str) -> CrawlRunRepository | None:
    """The runs of the database at `url`; None when it has none (never creates a database)."""
    parsed = make_url(url)
    on_disk = parsed.drivername.startswith("sqlite") and parsed.database not in (None, ":memory:")
    if on_disk and not Path(parsed.database or "").exists():
        return None
    repository = CrawlRunRepository(open_engine(url))
    if repository.has_table():
        return repository
    repository.engine.dispose()
    return None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[site] [-n N] [--json] [--database URL]"

    def short_desc(self) -> str:
        return "Show recent crawl runs, their figures and failed health checks"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-n", type=int, default=20, help="how many runs (default 20)")
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if len(args) > 1:
            raise UsageError("name at most one site")
        if opts.n < 1:
            raise UsageError("-n must be 1 or more")
        url = checked_database_url(self.settings, opts.database)
        repository = None
        try:
            repository = runs_repository(url)
            pairs = self._runs(repository, args[0] if args else None, opts.n)
        except SQLAlchemyError as exc:
            print(f"error: the database cannot be read: {exc.__class__.__name__}: {exc}")
            self.exitcode = 1
            return
        finally:
            if repository is not None:
                repository.engine.dispose()
        if opts.json:
            print(json.dumps([run_json(run, previous) for run, previous in pairs], indent=2))
        elif not pairs:
            print("No crawl runs recorded yet" + (f" for {args[0]}" if args else ""))
        else:
            print("\n".join(format_table(HEADERS, [table_row(r, p) for r, p in pairs])))

    @staticmethod
    def _runs(
        repository: CrawlRunRepository | None, site: str | None, limit: int
    ) -> list[tuple[CrawlRun, CrawlRun | None]]:
        if repository is None:
            return []
        runs = repository.recent(site=site, limit=limit)
        return [(run, repository.previous(run)) for run in runs]
