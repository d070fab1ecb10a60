"""`scrapy db <action>`: manage the database schema.

Actions: `upgrade [REVISION]` (default head), `current` (the revision the
database is at), `check` (exit 1 when the models and the live schema differ),
`replay` (store the articles that crawls left in the spool because the
database was unreachable or refused them, or because the crawl was killed;
then close the `crawl_runs` rows of crawls that ended while the database was
down, from the records they left in `<spool>/runs/`).

`replay` exits 1 when the database became unavailable or refused articles:
those stay spooled for the next replay. Two things it leaves do not make it
fail, and it says so: spool files held by running crawls (each crawl stores
its own, or leaves it to the next replay if it dies), and unreadable lines
(a crawl killed in the middle of a write tears its last one), which are
moved to `rejected-*` files that no replay reads; their articles never
reached the database, so the crawl fetches them again while they are listed.

A database URL that cannot work (not a URL, an unknown kind of database, its
driver not installed) and an unknown revision are one usage line (exit 2);
a database that cannot be reached is one `error:` line (exit 1).

Settings: `AGGREGATOR_DATABASE_URL` (or `--database`), `AGGREGATOR_SPOOL_DIR`
(or `--spool`), `AGGREGATOR_STORE_BATCH_SIZE`, `AGGREGATOR_NEAR_DUPLICATE_THRESHOLD`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic.util import CommandError
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.cli import checked_database_url
from aggregator.run.record import replay_runs
from aggregator.store.delivery import ReplayReport, replay_spool
from aggregator.store.repository import DEFAULT_NEAR_THRESHOLD, ArticleRepository
from aggregator.store.schema import (
    SchemaError,
    current_revision,
    drift,
    head_revision,
    open_engine,
    prepare_schema,
    upgrade,
)

ACTIONS = ("upgrade", "current", "check", "replay")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "{upgrade [REVISION] | current | check | replay} [--database URL] [--spool DIR]"

    def short_desc(self) -> str:
        return "Create, upgrade or check the database schema; replay spooled articles"

    # No help line may end in ":": Scrapy's help formatter makes such a line a heading.
    def long_desc(self) -> str:
        return (
            "upgrade [REVISION] migrates the schema (default head); current shows its "
            "revision; check exits 1 when the live schema differs from the models; replay "
            "stores the articles crawls left in the spool (database down or refusing them, "
            "crawl killed). Exit status 0 when every article that could be replayed was "
            "stored. Files held by running crawls are skipped (each crawl stores its own), "
            "and unreadable lines (torn by a killed crawl) go to rejected-* files that no "
            "replay reads; neither changes the exit status. Exit 1 when the database was "
            "unavailable or refused articles (they stay for the next replay), 2 usage error."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--database", metavar="URL", help="SQLAlchemy URL (default AGGREGATOR_DATABASE_URL)"
        )
        parser.add_argument(
            "--spool", metavar="DIR", help="spool directory (default AGGREGATOR_SPOOL_DIR)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args or args[0] not in ACTIONS:
            raise UsageError(f"name an action: {', '.join(ACTIONS)}")
        engine = open_engine(checked_database_url(self.settings, opts.database))
        try:
            if args[0] == "replay":
                self._replay(engine, Path(opts.spool or self.settings["AGGREGATOR_SPOOL_DIR"]))
            else:
                self._run(engine, args)
        except (SQLAlchemyError, SchemaError) as exc:
            print(f"error: the database cannot be used: {exc.__class__.__name__}: {exc}")
            self.exitcode = 1
        finally:
            engine.dispose()

    def _run(self, engine: Engine, args: list[str]) -> None:
        action = args[0]
        if action == "upgrade":
            self._upgrade(engine, args[1] if len(args) > 1 else None)
        elif action == "current":
            print(f"{current_revision(engine) or 'empty'} (code head: {head_revision()})")
        else:
            differences = drift(engine)
            for difference in differences:
                print(difference)
            print("Schema matches the models" if not differences else "Schema drift found")
            self.exitcode = 1 if differences else 0

    def _upgrade(self, engine: Engine, revision: str | None) -> None:
        try:
            upgrade(engine, revision or "head")
        except CommandError as exc:
            if revision is not None:  # the revision named is the problem
                raise UsageError(f"revision {revision!r}: {exc}", print_help=False) from None
            # The database is at a revision this code does not know (newer code upgraded it).
            print(f"error: cannot upgrade: {exc} (code head: {head_revision()})")
            self.exitcode = 1
            return
        print(f"Database at revision {current_revision(engine)}")

    def _replay(self, engine: Engine, spool: Path) -> None:
        assert self.settings is not None
        prepare_schema(engine)
        repository = ArticleRepository(
            engine,
            near_threshold=self.settings.getfloat(
                "AGGREGATOR_NEAR_DUPLICATE_THRESHOLD", DEFAULT_NEAR_THRESHOLD
            ),
        )
        report = replay_spool(
            spool, repository, self.settings.getint("AGGREGATOR_STORE_BATCH_SIZE")
        )
        for line in replay_lines(report, spool):
            print(line)
        self.exitcode = 1 if report.error or report.refused else 0
        # Rows left open by crawls that ended while the database was down (run/record.py).
        closed, problems = replay_runs(spool, engine)
        if closed:
            print(f"Closed {closed} crawl run rows from their spooled records")
        for problem in problems:
            print(f"error: {problem}")
        if problems:
            self.exitcode = 1


def replay_lines(report: ReplayReport, spool: Path) -> list[str]:
    """What `scrapy db replay` prints."""
    outcomes = ", ".join(f"{count} {name}" for name, count in sorted(report.outcomes.items()))
    lines = [f"Replayed {report.stored} articles from {report.files} spool files in {spool}"]
    if outcomes:
        lines.append(f"  {outcomes}")
    if report.busy:
        lines.append(
            f"  {report.busy} files skipped: held by a running crawl, which stores them itself"
            " (if it dies, the next replay does)"
        )
    if report.rejected_lines:
        lines.append(
            f"  {report.rejected_lines} unreadable lines (torn by a killed crawl, or damaged)"
            f" moved to rejected-* files in {spool}: never replayed; their articles are"
            " fetched again while still listed"
        )
    if report.refused:
        lines.append(
            f"  {report.refused} articles refused by the database stay in the spool"
            " (see the log for why); the next replay tries them again"
        )
    if report.error:
        lines.append(f"error: stopped, the database is unavailable: {report.error}")
    return lines
