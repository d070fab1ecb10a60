"""The operator dashboard: sites at a glance, a page per site and per run, an article browser.

Server-rendered HTML (Jinja2, autoescaped) and inline SVG charts
(`charts.py`): no script anywhere, so it works with JavaScript off and loads
nothing from another host. Charts read runs oldest first: new items per run,
error rate, and the age of the newest article the run saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from aggregator.health.figures import RunFigures, figures_from_stats
from aggregator.serve import charts
from aggregator.serve import runs as run_reads
from aggregator.serve.api import search_text
from aggregator.serve.app import config, in_thread
from aggregator.serve.params import QUERY, SITE, SITE_PATTERN, limit, parse
from aggregator.store import reader
from aggregator.store.models import CrawlRun

HISTORY = 20
BROWSER_PARAMS = (QUERY, SITE, limit(50, 200))
SITE_PARAMS = (limit(HISTORY, 200),)
templates = jinja2.Environment(
    loader=jinja2.PackageLoader("aggregator.serve", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
routes = web.RouteTableDef()


def age(seconds: float | None) -> str:
    """A duration as operators read it: 45m, 5h, 3d."""
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{max(seconds, 0) / 60:.0f}m"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


templates.filters["age"] = age
templates.filters["when"] = when


@dataclass(slots=True)
class RunView:
    """A run with its figures, as the templates show it."""

    run: CrawlRun
    figures: RunFigures


@dataclass(slots=True)
class Charts:
    new_items: Markup
    error_rate: Markup
    newest_age: Markup


def run_views(found: list[CrawlRun]) -> list[RunView]:
    return [RunView(run, figures_from_stats(run.stats or {})) for run in found]


def charts_of(views: list[RunView], *, width: int = 120, height: int = 28) -> Charts:
    """The three charts of a site's runs (`views` newest first, as read)."""
    ordered = list(reversed(views))
    new = [float(v.run.items_new) for v in ordered]
    errors = [v.figures.error_rate for v in ordered]
    ages = [
        v.figures.newest_age_seconds / 3600 if v.figures.newest_age_seconds is not None else None
        for v in ordered
    ]
    size = {"width": width, "height": height}
    return Charts(
        charts.bars(new, f"new items per run, last {new[-1] if new else 0:.0f}", **size),
        charts.line(errors, f"error rate per run, last {_last(errors, '.2f')}", **size),
        charts.line(
            ages, f"newest article age per run in hours, last {_last(ages, '.1f')}", **size
        ),
    )


def _last(values: list[float | None], spec: str) -> str:
    present = [v for v in values if v is not None]
    return format(present[-1], spec) if present else "none"


def page(name: str, **context: Any) -> web.Response:
    html = templates.get_template(name).render(**context)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def _overview(engine: Any) -> list[dict[str, Any]]:
    summaries = reader.sites(engine)
    rows = []
    for summary in summaries:
        views = run_views(run_reads.recent_runs(engine, site=summary.site, limit=HISTORY))
        rows.append(
            {"summary": summary, "last": views[0] if views else None, "charts": charts_of(views)}
        )
    return rows


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    parse(request.query, ())
    settings = config(request)
    rows = await in_thread(_overview, settings.engine)
    return page("index.html", sites=rows, now=settings.clock())


def _site_page(engine: Any, site: str, count: int) -> dict[str, Any] | None:
    if not reader.site_known(engine, site):
        return None
    views = run_views(run_reads.recent_runs(engine, site=site, limit=count))
    return {"views": views, "charts": charts_of(views, width=360, height=80)}


@routes.get("/sites/{name}")
async def site_page(request: web.Request) -> web.Response:
    values = parse(request.query, SITE_PARAMS)
    site = SITE.convert(request.match_info["name"])
    found = await in_thread(_site_page, config(request).engine, site, values["limit"])
    if found is None:
        raise web.HTTPNotFound(reason=f"no site named {site!r} ({SITE_PATTERN})")
    return page("site.html", site=site, **found)


@routes.get(r"/runs/{run_id:[0-9]{1,18}}")
async def run_page(request: web.Request) -> web.Response:
    parse(request.query, ())
    run = await in_thread(
        run_reads.one_run, config(request).engine, int(request.match_info["run_id"])
    )
    if run is None:
        raise web.HTTPNotFound(reason="no such run")
    view = RunView(run, figures_from_stats(run.stats or {}))
    return page("run.html", view=view, figures=view.figures.to_json())


@routes.get("/articles")
async def article_browser(request: web.Request) -> web.Response:
    values = parse(request.query, BROWSER_PARAMS, blank_is_absent=True)
    query = search_text(values["q"])
    rows = await in_thread(
        reader.latest_changes,
        config(request).engine,
        limit=values["limit"],
        site=values["site"],
        query=query,
    )
    return page("articles.html", rows=rows, q=values["q"] or "", site=values["site"] or "")


@routes.get(r"/articles/{article_id:[0-9]{1,18}}")
async def article_page(request: web.Request) -> web.Response:
    parse(request.query, ())
    detail = await in_thread(
        reader.article, config(request).engine, int(request.match_info["article_id"])
    )
    if detail is None:
        raise web.HTTPNotFound(reason="no such article")
    return page("article.html", detail=detail)
