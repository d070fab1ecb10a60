"""`scrapy demo`: serve the bundled sample site on 127.0.0.1 and crawl it into the database.

The whole pipeline runs exactly as for a real site; only politeness delays
are lifted, because the server is our own. At the end it prints what was
stored, how many dates were resolved, how many duplicates were removed, where
the database is and one query to read it.

Settings: `AGGREGATOR_DATABASE_URL` (or `--database`).
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from sqlalchemy.engine import make_url

from aggregator.cli import checked_database_url
from aggregator.clock import get_clock
from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.run.crawl_run import outcome_of
from aggregator.run.outcome import EXIT_OK, NOT_STARTED_OUTCOME
from aggregator.spiders.news import NewsSpider

DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


def describe_database(url: str) -> tuple[str, str]:
    """(where the database is, a shell command that reads it) for a SQLAlchemy URL."""
    parsed = make_url(url)
    query = "SELECT published_at, site, title FROM articles ORDER BY published_at DESC LIMIT 10;"
    if parsed.drivername.startswith("sqlite"):
        path = parsed.database or ":memory:"
        return path, f'sqlite3 {path} "{query}"'
    return parsed.render_as_string(hide_password=True), f'psql "<your database URL>" -c "{query}"'


def summary_lines(stats: dict[str, Any], database_url: str) -> list[str]:
    """The report printed after the demo crawl."""
    inserted = stats.get("aggregator/store/inserted", 0)
    updated = stats.get("aggregator/store/updated", 0)
    unchanged = stats.get("aggregator/store/unchanged", 0)
    parsed = sum(v for k, v in stats.items() if k.startswith("aggregator/dates/parsed/"))
    unparsed = stats.get("aggregator/dates/unparsed", 0)
    duplicates = sum(
        stats.get(key, 0)
        for key in (
            "item_dropped_reasons_count/DuplicateArticle",
            "aggregator/store/duplicate_exact",
            "aggregator/store/duplicate_near",
        )
    )
    where, read = describe_database(database_url)
    return [
        f"Articles stored: {inserted} new, {updated} updated, {unchanged} unchanged",
        f"Dates resolved: {parsed} of {parsed + unparsed}",
        f"Duplicates removed: {duplicates}",
        f"Database: {where}",
        f"Read it:  {read}",
    ]


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Serve the bundled sample news site locally and crawl it into the database"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--articles", type=int, default=12, help="articles on the sample site")
        parser.add_argument("--port", type=int, default=0, help="port to serve on (default: any)")
        parser.add_argument("--database", help="SQLAlchemy URL (default: AGGREGATOR_DATABASE_URL)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # Above the project's settings (which rank over command defaults), below -s.
        self.settings.setdict(DEMO_SETTINGS, priority="spider")
        if opts.database:
            self.settings.set("AGGREGATOR_DATABASE_URL", opts.database, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        checked_database_url(self.settings, opts.database, crawl=True)
        site = NewsSite(get_clock(self.settings)(), articles=max(1, opts.articles))
        with SiteServer(site, port=opts.port) as server:
            print(f"Serving the sample site at {server.url}/category/news/")
            crawler: Crawler = self.crawler_process.create_crawler(NewsSpider)
            self.crawler_process.crawl(
                crawler,
                url=f"{server.url}/category/news/",
                site="demo",
                timezone=site.timezone,
                languages="en",
                max_pages=str(site.pages),
            )
            self.crawler_process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        for line in summary_lines(stats, self.settings["AGGREGATOR_DATABASE_URL"]):
            print(line)
        outcome = outcome_of(crawler)
        if self.crawler_process.bootstrap_failed:
            outcome = NOT_STARTED_OUTCOME
        if outcome.status != EXIT_OK:
            print(f"The demo crawl {outcome.word}: {outcome.detail}")
        self.exitcode = outcome.status
