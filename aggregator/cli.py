"""What the project's commands share: usage checks in one line, the sites, reading runs, tables.

The commands in `aggregator/commands/` stay thin: each parses its options and
calls these. A usage error is a `UsageError` (Scrapy prints one line and exits
2); a database that cannot be read is one `error:` line and exit 1, written
once here (`read_runs`).

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_CHECK_*` and `AGGREGATOR_RUN_RECORD_RETRY_DELAYS`
(validated up front).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from aggregator.health.rules import SETTING_PREFIX, CheckConfigError, resolve_limits
from aggregator.run.record import retry_delays
from aggregator.sites import Site
from aggregator.store.runs import CrawlRunRepository
from aggregator.store.schema import open_engine

T = TypeVar("T")
#: Columns right-aligned in every table the commands print.
NUMERIC = frozenset({"ID", "ITEMS", "NEW", "UPD", "UNCH", "KNOWN", "DUP", "DROP", "REQ", "ERR"})
IN_MEMORY = (
    "an in-memory SQLite database keeps nothing after the crawl; "
    "name a file (sqlite:///aggregator.db) or a server"
)


def check_settings(settings: BaseSettings) -> None:
    """Refuse malformed crawl settings in one line, before anything is crawled.

    `AGGREGATOR_CHECK_*` and `AGGREGATOR_RUN_RECORD_RETRY_DELAYS`.
    """
    try:
        resolve_limits(settings, {})
    except CheckConfigError as exc:
        name = SETTING_PREFIX + exc.key.upper()
        raise UsageError(f"setting {name}: {exc.problem}", print_help=False) from None
    try:
        retry_delays(settings)
    except ValueError as exc:
        raise UsageError(
            f"setting AGGREGATOR_RUN_RECORD_RETRY_DELAYS: {exc}", print_help=False
        ) from None


def in_memory(url: str) -> bool:
    """Whether `url` is an SQLite database that lives only in the process's memory."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or parsed.query.get("mode") == "memory"


def database_url_problem(url: str, *, crawl: bool = False) -> str | None:
    """Why `url` cannot work as the database (found without connecting), or None.

    Building the engine parses the URL, loads the dialect and imports its
    driver; otherwise a missing driver surfaces as a traceback in each
    component that opens the database during the crawl. For a crawl, an
    in-memory SQLite database is refused: every component opens its own, so
    the crawl would store into nothing and pass. The URL is never repeated:
    it may hold a password.
    """
    try:
        engine = open_engine(url)
    except NoSuchModuleError:
        return f"unknown kind of database {make_url(url).drivername!r}"
    except (ArgumentError, ValueError):
        return "not a database URL (such as sqlite:///aggregator.db or postgresql://user@host/news)"
    except ImportError as exc:
        parsed = make_url(url)
        driver = f"{parsed.get_backend_name()} ({parsed.get_driver_name()})"
        return f"the driver for {driver} is not installed: {exc}"
    engine.dispose()
    return IN_MEMORY if crawl and in_memory(url) else None


def checked_database_url(
    settings: BaseSettings, option: str | None = None, *, crawl: bool = False
) -> str:
    """The database URL (`--database`, else the setting); one usage line when it cannot work."""
    url: str = option or settings["AGGREGATOR_DATABASE_URL"]
    problem = database_url_problem(url, crawl=crawl)
    if problem is not None:
        source = "--database" if option else "setting AGGREGATOR_DATABASE_URL"
        raise UsageError(f"{source}: {problem}", print_help=False)
    return url


def site_loader(loader: Any) -> Any:
    """The project's `SiteSpiderLoader` (it knows the site files), or a usage error."""
    if not hasattr(loader, "sites"):
        raise UsageError("SPIDER_LOADER_CLASS must be aggregator's SiteSpiderLoader")
    return loader


def configured_sites(loader: Any) -> dict[str, Site]:
    """The valid site files, by name, in name order."""
    sites: dict[str, Site] = site_loader(loader).sites()
    return {name: sites[name] for name in sorted(sites)}


def runs_repository(url: str) -> CrawlRunRepository | None:
    """The runs of the database at `url`; None when it has none (never creates a database)."""
    parsed = make_url(url)
    on_disk = parsed.drivername.startswith("sqlite") and not in_memory(url)
    if on_disk and not Path(parsed.database or "").exists():
        return None
    repository = CrawlRunRepository(open_engine(url))
    if repository.has_table():
        return repository
    repository.engine.dispose()
    return None


def read_runs(
    command: ScrapyCommand, url: str, read: Callable[[CrawlRunRepository | None], T]
) -> T | None:
    """`read(runs)`; None (with one `error:` line and exit status 1) when the database fails."""
    repository = None
    try:
        repository = runs_repository(url)
        return read(repository)
    except SQLAlchemyError as exc:
        print(f"error: the database cannot be read: {exc.__class__.__name__}: {exc}")
        command.exitcode = 1
        return None
    finally:
        if repository is not None:
            repository.engine.dispose()


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[str] = NUMERIC
) -> list[str]:
    """Columns padded to their widest cell; the `numeric` columns right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for row in (headers, *rows):
        cells = [
            cell.rjust(width) if header in numeric else cell.ljust(width)
            for header, cell, width in zip(headers, row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[str] = NUMERIC
) -> None:
    print("\n".join(format_table(headers, rows, numeric)))


def when(moment: datetime | None) -> str:
    """A run's time as the tables show it (UTC, to the minute)."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
