"""The read API (JSON): `/api/articles` (cursor and search), one article, sites, runs.

`GET /api/articles?since=N` returns the articles whose `change_seq` is greater
than N, in `change_seq` order, and `next`, the cursor to send next time (the
last item's `change_seq`, or N again when nothing changed); `more` says
whether another page is waiting. An updated article comes again with its new
`change_seq`. `q` narrows the same cursor to articles containing every word.
"""

from __future__ import annotations

import json

from aiohttp import web

from aggregator.serve import runs as run_reads
from aggregator.serve.app import config, in_thread
from aggregator.serve.jsonview import (
    ARTICLE_FIELDS,
    article_detail_json,
    article_json,
    run_json,
    site_json,
)
from aggregator.serve.params import QUERY, SINCE, SITE, BadRequest, limit, parse
from aggregator.store import reader
from aggregator.store.fulltext import words
from aggregator.store.jsonpage import changes_json

ARTICLES_PARAMS = (SINCE, SITE, QUERY, limit(100, 1000))
RUNS_PARAMS = (SITE, limit(20, 500))
MAX_ID = 2**63 - 1
routes = web.RouteTableDef()


def search_text(value: str | None) -> str | None:
    """The search, or None; a search without any word is refused."""
    if value is not None and not words(value):
        raise BadRequest("q must contain at least one word (letters or digits)")
    return value


@routes.get("/api/articles")
async def list_articles(request: web.Request) -> web.Response:
    values = parse(request.query, ARTICLES_PARAMS)
    query = search_text(values["q"])
    rows = await in_thread(
        changes_json,
        config(request).engine,
        fields=ARTICLE_FIELDS,
        render=lambda row: json.dumps(article_json(row)),
        since=values["since"],
        limit=values["limit"] + 1,
        site=values["site"],
        query=query,
    )
    page = rows[: values["limit"]]
    # Each article is JSON already (built by the database on PostgreSQL): join, do not re-parse.
    items = ", ".join(document for _, document in page)
    cursor = page[-1][0] if page else values["since"]
    more = "true" if len(rows) > len(page) else "false"
    body = f'{{"items": [{items}], "next": {int(cursor)}, "more": {more}}}'
    return web.Response(text=body, content_type="application/json")


@routes.get(r"/api/articles/{article_id:[0-9]{1,19}}")
async def get_article(request: web.Request) -> web.Response:
    parse(request.query, ())
    article_id = int(request.match_info["article_id"])
    if article_id > MAX_ID:
        raise web.HTTPNotFound(reason="no such article")
    detail = await in_thread(reader.article, config(request).engine, article_id)
    if detail is None:
        raise web.HTTPNotFound(reason="no such article")
    return web.json_response(article_detail_json(detail))


@routes.get("/api/sites")
async def list_sites(request: web.Request) -> web.Response:
    parse(request.query, ())
    settings = config(request)
    summaries = await in_thread(reader.sites, settings.engine)
    last = await in_thread(run_reads.last_runs, settings.engine, [s.site for s in summaries])
    now = settings.clock()
    return web.json_response({"sites": [site_json(s, last.get(s.site), now) for s in summaries]})


@routes.get("/api/runs")
async def list_runs(request: web.Request) -> web.Response:
    values = parse(request.query, RUNS_PARAMS)
    found = await in_thread(
        run_reads.recent_runs, config(request).engine, site=values["site"], limit=values["limit"]
    )
    return web.json_response({"runs": [run_json(run) for run in found]})
