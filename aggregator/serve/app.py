"""The aiohttp application of `scrapy serve`: routes, access control, errors, headers.

Every route is a GET (the server never writes). With a token configured
(`AGGREGATOR_SERVE_TOKEN`), every route, the dashboard and its stylesheet
included, needs `Authorization: Bearer <token>`. A bad query parameter is a
400 with a message; a database that cannot be read is a 503 whose message
names no URL or password; an unexpected error is a 500 without details
(the traceback goes to the server's log only). The Content-Security-Policy
lets pages load nothing from any other host, and no script at all.

Database calls are synchronous SQLAlchemy, run in the default thread pool so
that one slow query does not stall other requests.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.serve.params import BadRequest

log = logging.getLogger(__name__)
T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATIC = Path(__file__).with_name("static")
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """What every handler needs: the database, the token (or None) and the clock."""

    engine: Engine
    token: str | None
    clock: Callable[[], datetime]


CONFIG = web.AppKey("config", ServeConfig)


def config(request: web.Request) -> ServeConfig:
    return request.app[CONFIG]


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking database read off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


def error_response(request: web.Request, status: int, message: str) -> web.Response:
    """JSON for API and feed routes, a small page for the dashboard."""
    if request.path.startswith(("/api/", "/feeds/", "/openapi")):
        return web.json_response({"error": message, "status": status}, status=status)
    body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{_escape(message)}</p>"
    return web.Response(text=body, status=status, content_type="text/html")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _authorised(request: web.Request, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Token check, then the handler, with every failure turned into a clean response."""
    token = config(request).token
    if token and not _authorised(request, token):
        refused = error_response(request, 401, "a valid Authorization: Bearer token is required")
        refused.headers["WWW-Authenticate"] = 'Bearer realm="aggregator"'
        return refused
    try:
        response = await handler(request)
    except BadRequest as exc:
        return error_response(request, 400, str(exc))
    except web.HTTPException as exc:
        if exc.status >= 400:
            return error_response(request, exc.status, exc.reason)
        raise
    except SQLAlchemyError as exc:
        log.error("database read failed: %s", exc.__class__.__name__)
        return error_response(request, 503, "the database cannot be read right now")
    except Exception:
        log.exception("unexpected error serving %s", request.path)
        return error_response(request, 500, "internal error")
    return response


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def build_app(serve_config: ServeConfig) -> web.Application:
    """The whole application over one engine."""
    from aggregator.serve import api, dashboard, feeds, openapi  # routes import this module

    app = web.Application(middlewares=[headers, guard])
    app[CONFIG] = serve_config
    app.router.add_routes(api.routes)
    app.router.add_routes(feeds.routes)
    app.router.add_routes(openapi.routes)
    app.router.add_routes(dashboard.routes)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    return app
