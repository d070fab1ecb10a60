"""Issue 15 item 8: run records and exit codes that tell the truth.

Each test is named after the fault it guards against and failed on the code
before the fix: a `crawl_runs` row left `running` after a database outage
mid-crawl, an in-memory SQLite database that crawls into nothing and exits
0, `scrapy demo` exiting 0 although its crawl failed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import CrawlRun
from aggregator.store.schema import open_engine
from tests.integration.test_faults import proxy_to, stored_titles, wait_until
from tests.support import news_crawl_args, run_scrapy, start_scrapy


def runs(database_url: str) -> list[CrawlRun]:
    engine = open_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    finally:
        engine.dispose()


def test_a_run_row_is_not_left_running_after_a_database_outage_mid_crawl(
    site: NewsSite, tmp_path: Path, postgres_url: str
) -> None:
    proxy, via_proxy = proxy_to(postgres_url)
    with SiteServer(site, delay=0.3) as server:
        crawl = start_scrapy(
            news_crawl_args(server),
            cwd=tmp_path,
            settings={
                "AGGREGATOR_DATABASE_URL": via_proxy,
                "AGGREGATOR_STORE_BATCH_SIZE": "2",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
                "AGGREGATOR_RUN_RECORD_RETRY_DELAYS": "0.2",
            },
        )
        try:
            wait_until(lambda: len(stored_titles(postgres_url)) >= 2)
            proxy.close()  # the database is gone for the rest of the crawl, its close included
            assert crawl.wait(timeout=120) == 1  # unstored_articles
        finally:
            crawl.kill()
            proxy.close()
    (spooled,) = (tmp_path / "spool" / "runs").glob("*.json")

    replayed = run_scrapy(["db", "replay", "--database", postgres_url], cwd=tmp_path)

    assert replayed.returncode == 0, replayed.log[-3000:]
    assert "Closed 1 crawl run rows" in replayed.log
    assert not spooled.exists()
    (run,) = runs(postgres_url)
    assert (run.status, run.finish_reason) == ("failed", "finished")
    assert "unstored_articles" in run.failed_checks
    assert run.finished_at is not None and run.stats["aggregator/store/spooled"] >= 1


@pytest.mark.parametrize(
    "url", ["sqlite:///:memory:", "sqlite://", "sqlite:///file:news?mode=memory&uri=true"]
)
def test_an_in_memory_sqlite_database_is_a_usage_error_for_a_crawl(
    server: SiteServer, tmp_path: Path, url: str
) -> None:
    result = run_scrapy(
        news_crawl_args(server), cwd=tmp_path, settings={"AGGREGATOR_DATABASE_URL": url}
    )
    assert result.returncode == 2, result.log[-3000:]
    assert "setting AGGREGATOR_DATABASE_URL: an in-memory SQLite database keeps nothing" in (
        result.log
    )
    assert "Traceback" not in result.log and result.stats == {}


def test_scrapy_demo_exits_with_its_crawls_failed_status(tmp_path: Path) -> None:
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'demo.db'}"
    result = run_scrapy(
        ["demo", "--articles", "3", "--database", unreachable],
        cwd=tmp_path,
        settings={"AGGREGATOR_RUN_RECORD_RETRY_DELAYS": ""},
    )
    assert result.returncode == 1, result.log[-3000:]
    assert "The demo crawl failed: unstored_articles" in result.log
