"""The OpenAPI 3.1 description of the read API, served at `/openapi.json`.

Parameters come from the same `Param` declarations the handlers validate
with, so the description and the server cannot disagree.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from aggregator.serve.api import ARTICLES_PARAMS, RUNS_PARAMS
from aggregator.serve.feeds import FEED_PARAMS
from aggregator.serve.params import SITE_PATTERN, openapi_parameters, parse

routes = web.RouteTableDef()

_TIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": ["string", "null"]}
_WORDS = {"type": "array", "items": {"type": "string"}}
ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "site": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "summary": _TEXT,
        "authors": _WORDS,
        "published_at": _TIME,
        "published_raw": _TEXT,
        "published_source": _TEXT,
        "published_precision": {"enum": ["second", "minute", "hour", "day", "month", "year", None]},
        "modified_at": _TIME,
        "category": _TEXT,
        "tags": _WORDS,
        "image_url": _TEXT,
        "language": _TEXT,
        "content_hash": _TEXT,
        "first_seen_at": {"type": "string", "format": "date-time"},
        "last_seen_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "change_seq": {"type": "integer"},
    },
}
ERROR = {
    "description": "refused: the message says why",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _get(summary: str, params: Any, ok: dict[str, Any], extra: list[Any] | None = None) -> Any:
    return {
        "get": {
            "summary": summary,
            "parameters": [*(extra or []), *openapi_parameters(params)],
            "responses": {"200": ok, "400": ERROR, "401": ERROR, "404": ERROR},
        }
    }


def _path_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def document() -> dict[str, Any]:
    """The whole description."""
    article = {"$ref": "#/components/schemas/Article"}
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": article},
            "next": {"type": "integer"},
            "more": {"type": "boolean"},
        },
    }
    id_param = _path_param("article_id", {"type": "integer", "minimum": 0})
    site_param = _path_param("name", {"type": "string", "pattern": SITE_PATTERN})
    feed = {"description": "the feed", "content": {"application/atom+xml": {}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "aggregator read API", "version": "1"},
        "paths": {
            "/api/articles": _get(
                "articles changed after a cursor, in change_seq order", ARTICLES_PARAMS,
                _json("a page of articles and the next cursor", page),
            ),
            "/api/articles/{article_id}": _get(
                "one article with its URL forms, revisions and duplicates", (),
                _json("the article", article), [id_param],
            ),
            "/api/sites": _get("every site, its freshness and last run", (), _json("sites", {})),
            "/api/runs": _get("recent crawl runs, newest first", RUNS_PARAMS, _json("runs", {})),
            "/feeds/{name}.atom": _get(
                "Atom feed, newest first (name: a site or all)", FEED_PARAMS, feed, [site_param]
            ),
            "/feeds/{name}.json": _get(
                "JSON Feed 1.1, newest first (name: a site or all)", FEED_PARAMS,
                _json("the feed", {}), [site_param],
            ),
        },
        "components": {
            "schemas": {
                "Article": ARTICLE_SCHEMA,
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                },
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"bearer": []}],
    }  # fmt: skip


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    parse(request.query, ())
    return web.json_response(document())
