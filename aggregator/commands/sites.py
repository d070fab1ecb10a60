"""`scrapy sites [--json]`: the configured sites and how their last crawl went.

One line per `sites/*.toml`: whether it is enabled (in `scrapy crawlall`),
when its last run started (UTC), that run's status and failed checks, and
what it stored. A site never crawled says `never`.

Settings: `AGGREGATOR_SITES_DIR`, `AGGREGATOR_DATABASE_URL` (or `--database`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from sqlalchemy.exc import SQLAlchemyError

from aggregator.commands.crawl import checked_database_url
from aggregator.commands.runs import format_table, runs_repository, when
from aggregator.extensions.figures import figures_from_stats, json_safe
from aggregator.sites import Site
from aggregator.store.models import CrawlRun
from aggregator.store.runs import FAILED

HEADERS = ("SITE", "ENABLED", "LAST RUN (UTC)", "STATUS", "ITEMS", "NEW", "FAILED CHECKS")


def site_row(site: Site, run: CrawlRun | None) -> list[str]:
    enabled = "yes" if site.enabled else "no"
    if run is None:
        return [site.name, enabled, "never", "-", "-", "-", "-"]
    return [
        site.name,
        enabled,
        when(run.started_at),
        run.status.upper() if run.status == FAILED else run.status,
        str(figures_from_stats(run.stats or {}).articles_seen),
        str(run.items_new),
        ", ".join(run.failed_checks) or "-",
    ]


def site_json(site: Site, run: CrawlRun | None) -> dict[str, Any]:
    last = None
    if run is not None:
        last = {
            "id": run.id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "status": run.status,
            "finish_reason": run.finish_reason,
            "failed_checks": run.failed_checks,
            "items_new": run.items_new,
        }
    data = {"site": site.name, "enabled": site.enabled, "source": site.source, "last_run": last}
    safe: dict[str, Any] = json_safe(data)
    return safe


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--json] [--database URL]"

    def short_desc(self) -> str:
        return "List the configured sites with the status of their last crawl"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("scrapy sites takes no arguments")
        loader: Any = get_spider_loader(self.settings)
        if not hasattr(loader, "sites"):
            raise UsageError("SPIDER_LOADER_CLASS must be aggregator's SiteSpiderLoader")
        sites: dict[str, Site] = loader.sites()
        url = checked_database_url(self.settings, opts.database)
        repository = None
        try:
            repository = runs_repository(url)
            last = repository.last_runs(sorted(sites)) if repository else {}
        except SQLAlchemyError as exc:
            print(f"error: the database cannot be read: {exc.__class__.__name__}: {exc}")
            self.exitcode = 1
            return
        finally:
            if repository is not None:
                repository.engine.dispose()
        ordered = [sites[name] for name in sorted(sites)]
        if opts.json:
            print(json.dumps([site_json(site, last.get(site.name)) for site in ordered], indent=2))
        elif not ordered:
            print("No sites configured (add sites/<name>.toml)")
        else:
            print(
                "\n".join(format_table(HEADERS, [site_row(s, last.get(s.name)) for s in ordered]))
            )
