"""`scrapy db <action>`: manage the database schema.

Actions: `upgrade [REVISION]` (default head), `current` (the revision the
database is at), `check` (exit 1 when the models and the live schema differ).

Settings: `AGGREGATOR_DATABASE_URL` (or `--database`).
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.store.schema import current_revision, drift, head_revision, open_engine, upgrade

ACTIONS = ("upgrade", "current", "check")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "{upgrade [REVISION] | current | check} [--database URL]"

    def short_desc(self) -> str:
        return "Create, upgrade or check the database schema"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args or args[0] not in ACTIONS:
            raise UsageError(f"name an action: {', '.join(ACTIONS)}")
        engine = open_engine(opts.database or self.settings["AGGREGATOR_DATABASE_URL"])
        try:
            self._run(engine, args)
        except SQLAlchemyError as exc:
            print(f"error: the database cannot be used: {exc.__class__.__name__}: {exc}")
            self.exitcode = 1
        finally:
            engine.dispose()

    def _run(self, engine: Engine, args: list[str]) -> None:
        action = args[0]
        if action == "upgrade":
            upgrade(engine, args[1] if len(args) > 1 else "head")
            print(f"Database at revision {current_revision(engine)}")
        elif action == "current":
            print(f"{current_revision(engine) or 'empty'} (code head: {head_revision()})")
        else:
            differences = drift(engine)
            for difference in differences:
                print(difference)
            print("Schema matches the models" if not differences else "Schema drift found")
            self.exitcode = 1 if differences else 0
