"""`scrapy serve [--host 127.0.0.1] [--port 8080] [--database URL]`: the read API, feeds, dashboard.

Thin: parses the options and calls `aggregator.serve.serve`. Binds 127.0.0.1
unless told otherwise; `--port 0` takes a free port (the address is printed).
A schema that is missing or not at head is one `error:` line (exit 1); a bad
option is a usage error (exit 2).

Settings: `AGGREGATOR_DATABASE_URL` (or `--database`), `AGGREGATOR_SERVE_TOKEN`,
`AGGREGATOR_CLOCK`.
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy.exc import SQLAlchemyError

from aggregator.cli import checked_database_url
from aggregator.clock import get_clock
from aggregator.store.schema import SchemaError


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--host HOST] [--port PORT] [--database URL]"

    def short_desc(self) -> str:
        return "Serve the read API, Atom and JSON feeds and the operator dashboard"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        parser.add_argument(
            "--port", type=int, default=8080, help="port (default 8080; 0: any free one)"
        )
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("serve takes no arguments")
        if not 0 <= opts.port <= 65535:
            raise UsageError("--port must be between 0 and 65535")
        url = checked_database_url(self.settings, opts.database)
        token = self.settings.get("AGGREGATOR_SERVE_TOKEN") or None
        from aggregator.serve import serve  # aiohttp and Jinja2: not for every scrapy command

        try:
            serve(url, host=opts.host, port=opts.port, token=token, clock=get_clock(self.settings))
        except (SchemaError, SQLAlchemyError, OSError) as exc:
            print(f"error: {exc.__class__.__name__}: {_first_line(exc)}")
            self.exitcode = 1


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else ""
