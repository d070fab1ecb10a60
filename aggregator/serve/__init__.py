"""`scrapy serve`: a read-only web server over the article database.

A read API with a change cursor and full-text search, Atom and JSON Feed 1.1
feeds, an OpenAPI description and an operator dashboard (docs/serve.md).
Built on aiohttp, which Scrapy already depends on. `serve` refuses a database
whose schema is not at the code's head revision (it never creates or upgrades
one: it only reads) and prints the address it listens on once it does.

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_SERVE_TOKEN`, `AGGREGATOR_CLOCK`.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiohttp import web
from sqlalchemy.engine import make_url

from aggregator.serve.app import ServeConfig, build_app
from aggregator.store.reader import open_reader
from aggregator.store.schema import SchemaError, current_revision, head_revision

__all__ = ["ServeConfig", "build_app", "check_schema", "serve"]


def check_schema(revision: str | None, head: str) -> None:
    """Refuse a database the server cannot read, with the command that fixes it."""
    if revision is None:
        raise SchemaError("the database has no schema yet: crawl a site or run `scrapy db upgrade`")
    if revision != head:
        raise SchemaError(
            f"the database schema is at {revision}, the code expects {head}: "
            "run `scrapy db upgrade` first"
        )


def serve(
    url: str, *, host: str, port: int, token: str | None, clock: Callable[[], datetime]
) -> None:
    """Serve until SIGINT or SIGTERM. Raises SchemaError before listening on a wrong schema."""
    parsed = make_url(url)
    on_disk = parsed.drivername.startswith("sqlite") and parsed.database not in (None, ":memory:")
    if on_disk and not Path(parsed.database or "").exists():
        # Connecting would create an empty file: a typo must not leave one behind.
        raise SchemaError("there is no database file there: crawl a site or check the URL")
    engine = open_reader(url)
    try:
        check_schema(current_revision(engine), head_revision())
        asyncio.run(_run(build_app(ServeConfig(engine, token or None, clock)), host, port))
    finally:
        engine.dispose()


async def _run(app: web.Application, host: str, port: int) -> None:
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, backlog=512).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        for address in runner.addresses:
            bound_host, bound_port = address[0], address[1]
            shown = f"[{bound_host}]" if ":" in bound_host else bound_host
            print(f"Serving on http://{shown}:{bound_port}/", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()
