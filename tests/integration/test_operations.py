"""Operating crawls: runs recorded and shown, broken sites failing loudly, locks, crawlall."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from aggregator.store.models import CrawlRun
from tests.support import FROZEN_NOW, CrawlResult, run_scrapy


def operator_settings(workdir: Path) -> dict[str, str]:
    """A project as an operator has it: a sites directory and a database in the working dir."""
    (workdir / "sites").mkdir(exist_ok=True)
    return {
        "AGGREGATOR_SITES_DIR": str(workdir / "sites"),
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{workdir / 'news.db'}",
    }


def write_site(workdir: Path, name: str, *urls: str, extra: str = "") -> None:
    listed = ", ".join(f'"{url}"' for url in urls)
    text = f'start_urls = [{listed}]\ntimezone = "America/New_York"\nlanguages = ["en"]\n'
    (workdir / "sites" / f"{name}.toml").write_text(text + extra)


def stored_runs(workdir: Path) -> list[CrawlRun]:
    engine = create_engine(f"sqlite:///{workdir / 'news.db'}")
    with Session(engine) as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    engine.dispose()
    return runs


def seen(result: CrawlResult) -> int:
    """Articles a crawl found: scraped, or skipped as already stored."""
    stats = result.stats
    return stats.get("item_scraped_count", 0) + stats.get("aggregator/incremental/skipped", 0)


def test_runs_are_recorded_and_shown_with_their_change(tmp_path: Path) -> None:
    site = NewsSite(FROZEN_NOW)
    settings = operator_settings(tmp_path)
    with SiteServer(site) as server:
        write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
        first = run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=settings)
        site.update_article(1, "An editor's update.")
        second = run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=settings)
    for result in (first, second):
        assert result.returncode == 0, result.log[-3000:]
        assert "Health checks passed for fixture_news" in result.log
    assert "Crawl run of fixture_news: ok, finished | items 12 new, 0 updated" in first.log
    assert "Crawl run of fixture_news: ok, finished | items 0 new, 1 updated, " in second.log

    runs = stored_runs(tmp_path)
    assert [(r.spider, r.site, r.status, r.finish_reason) for r in runs] == [
        ("fixture_news", "fixture_news", "ok", "finished")
    ] * 2
    latest, stats = runs[1], second.stats
    assert (latest.items_new, latest.items_updated) == (0, 1)
    assert latest.items_unchanged == stats["aggregator/store/unchanged"]
    assert latest.items_duplicate == stats["item_dropped_reasons_count/DuplicateArticle"]
    assert latest.requests == stats["downloader/request_count"] and latest.errors == 0
    assert latest.started_at == FROZEN_NOW and latest.failed_checks == []
    assert latest.stats["item_scraped_count"] == stats["item_scraped_count"]
    assert latest.stats["aggregator/runs/newest_published_at"] == "2024-07-05T11:31:00+00:00"
    assert latest.stats["aggregator/runs/newest_age_seconds"] == 29 * 60

    table = run_scrapy(["runs"], cwd=tmp_path, settings=settings)
    assert table.returncode == 0, table.log
    lines = [line for line in table.log.splitlines() if line.strip()]
    header_at = next(i for i, line in enumerate(lines) if line.startswith("ID  STARTED (UTC)"))
    newest, oldest = lines[header_at + 1].split(), lines[header_at + 2].split()
    assert newest[:7] == [
        str(latest.id), "2024-07-05", "12:00", "fixture_news", "ok", "finished", "0:00:00"
    ]  # fmt: skip
    # Articles found, with the change against the previous run of the site.
    assert seen(second) != seen(first)
    assert newest[7:9] == [str(seen(second)), f"({seen(second) - seen(first):+d})"]
    assert newest[-3:] == ["29m", "-", "-"]  # newest article, failed checks, worker (none)
    assert oldest[7:9] == ["12", "12"]  # no previous run: no change shown

    as_json = run_scrapy(
        ["runs", "fixture_news", "-n", "1", "--json"], cwd=tmp_path, settings=settings
    )
    (only,) = json.loads(as_json.log[as_json.log.index("[") :])
    assert only["id"] == latest.id and only["previous_id"] == runs[0].id
    assert only["change"] == {
        "articles_seen": seen(second) - seen(first),
        "items_new": -12,
        "requests": stats["downloader/request_count"] - first.stats["downloader/request_count"],
        "errors": 0,
    }
    assert only["figures"]["items_updated"] == 1 and only["figures"]["newest_age_seconds"] == 1740

    sites = run_scrapy(["sites"], cwd=tmp_path, settings=settings)
    assert (
        f"fixture_news  yes      2024-07-05 12:00  ok      {seen(second):>5}    0  -" in sites.log
    )
    sites_json = run_scrapy(["sites", "--json"], cwd=tmp_path, settings=settings)
    (entry,) = json.loads(sites_json.log[sites_json.log.index("[") :])
    assert entry["site"] == "fixture_news" and entry["enabled"] is True
    assert entry["last_run"]["id"] == latest.id and entry["last_run"]["status"] == "ok"


def broken_site() -> NewsSite:
    """The fixture site after a redesign: a listing page without links, every article failing."""
    site = NewsSite(FROZEN_NOW)
    site.add_page("/category/empty/", Response(200, b"<html><body><h1>Soon</h1></body></html>"))
    for article in site.articles:
        site.add_page(article.path, Response(500, b"<html><body>Internal error</body></html>"))
    return site


def test_a_broken_site_makes_the_crawl_exit_non_zero_with_the_reason(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    with SiteServer(broken_site()) as server:
        urls = (f"{server.url}/category/news/", f"{server.url}/category/empty/")
        write_site(tmp_path, "broken_news", *urls)
        result = run_scrapy(["crawl", "broken_news"], cwd=tmp_path, settings=settings)
    assert result.returncode == 1, result.log[-3000:]
    (verdict,) = [line for line in result.log.splitlines() if "Health checks failed" in line]
    assert "ERROR: Health checks failed for broken_news: no_articles: 0 articles found" in verdict
    assert "; error_rate: " in verdict
    assert "; listing_without_links: 1 listing pages had no article link" in verdict
    (run,) = stored_runs(tmp_path)
    assert run.status == "failed" and run.finish_reason == "finished"
    assert run.failed_checks == ["no_articles", "error_rate", "listing_without_links"]
    assert run.stats["downloader/response_status_count/500"] >= 12
    assert run.errors >= 12  # every article given up on after its retries


def test_site_thresholds_override_the_settings(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    with SiteServer(broken_site()) as server:
        urls = (f"{server.url}/category/news/", f"{server.url}/category/empty/")
        extra = (
            "[checks]\nmin_articles = 0\nmax_error_rate = false\nmax_listing_without_links = 1\n"
        )
        write_site(tmp_path, "broken_news", *urls, extra=extra)
        result = run_scrapy(["crawl", "broken_news"], cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    assert "Health checks passed for broken_news" in result.log


def test_a_database_that_is_down_costs_the_row_not_the_summary(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    settings["AGGREGATOR_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/nowhere"
    with SiteServer(NewsSite(FROZEN_NOW)) as server:
        write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
        result = run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=settings)
    assert "Traceback" not in result.log
    assert result.log.count("Crawl run not recorded, the database is unusable") == 1
    assert result.stats["aggregator/runs/not_recorded"] == 1
    # The articles wait in the store's spool: the crawl went on, but must not pass as healthy.
    assert result.returncode == 1
    assert "Crawl run of fixture_news: failed (unstored_articles), finished | items 0 new" in (
        result.log
    )
    assert "unstored_articles: 12 articles wait in the spool" in result.log


def wait_for_lock_holder(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().startswith("pid "):
            return
        time.sleep(0.05)
    raise AssertionError(f"no crawl took {path}")


def test_a_slow_run_reports_progress_and_refuses_an_overlapping_run(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    slow = {
        **settings,
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "AGGREGATOR_PROGRESS_INTERVAL": "0.5",
    }
    results: list[CrawlResult] = []
    with SiteServer(NewsSite(FROZEN_NOW), delay=0.4) as server:
        write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
        first = threading.Thread(
            target=lambda: results.append(
                run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=slow)
            )
        )
        first.start()
        wait_for_lock_holder(tmp_path / "locks" / "fixture_news.lock")
        second = run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=settings)
        first.join()
    (slow_run,) = results
    assert second.returncode == 75, second.log[-3000:]
    assert "Not crawling fixture_news: another crawl of it is still running (pid " in second.log
    assert second.stats.get("downloader/request_count", 0) == 0
    assert slow_run.returncode == 0, slow_run.log[-3000:]
    progress = [line for line in slow_run.log.splitlines() if "Progress of fixture_news:" in line]
    assert progress and all(" pages (" in line and "/min), " in line for line in progress)
    statuses = [(run.status, run.finish_reason) for run in stored_runs(tmp_path)]
    assert sorted(statuses) == [("ok", "finished"), ("skipped", "already_running")]
    table = run_scrapy(["runs"], cwd=tmp_path, settings=settings)
    assert "skipped  already_running" in table.log


def test_a_crawl_stopped_by_sigterm_is_recorded_as_failed(tmp_path: Path) -> None:
    settings = {**operator_settings(tmp_path), "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    results: list[CrawlResult] = []
    with SiteServer(NewsSite(FROZEN_NOW), delay=0.4) as server:
        write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
        crawl = threading.Thread(
            target=lambda: results.append(
                run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=settings)
            )
        )
        crawl.start()
        lock = tmp_path / "locks" / "fixture_news.lock"
        wait_for_lock_holder(lock)
        # Well into the crawl: a signal during Scrapy's start-up stops it before it handles signals.
        deadline = time.monotonic() + 60
        while sum(server.hits.values()) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(int(lock.read_text().split()[1]), signal.SIGTERM)  # what systemd sends on stop
        crawl.join()
    (result,) = results
    assert result.returncode == 1, result.log[-3000:]
    assert "Health checks failed for fixture_news: " in result.log
    assert "finish_reason: the crawl ended with 'shutdown', expected one of finished" in result.log
    (run,) = stored_runs(tmp_path)
    assert (run.status, run.finish_reason) == ("failed", "shutdown")
    assert "finish_reason" in run.failed_checks


@pytest.fixture
def two_sites() -> Iterator[list[SiteServer]]:
    servers = [SiteServer(NewsSite(FROZEN_NOW, articles=4, seed=seed)) for seed in (1, 2)]
    yield servers
    for server in servers:
        server.close()


def test_crawlall_crawls_each_enabled_site_once_with_bounded_concurrency(
    tmp_path: Path, two_sites: list[SiteServer]
) -> None:
    settings = operator_settings(tmp_path)
    first, second = (f"{server.url}/category/news/" for server in two_sites)
    write_site(tmp_path, "site_a", first)
    write_site(tmp_path, "site_b", second)
    write_site(tmp_path, "site_off", first, extra="enabled = false\n")
    result = run_scrapy(["crawlall", "--concurrency", "1"], cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    runs = stored_runs(tmp_path)
    assert sorted((run.site, run.status) for run in runs) == [("site_a", "ok"), ("site_b", "ok")]
    log = result.log
    # One site at a time: the second opens only after the first one's run is recorded.
    opened = [i for i in range(len(log)) if log.startswith("Spider opened", i)]
    assert len(opened) == 2
    assert opened[0] < log.index("Crawl run of site_a: ok") < opened[1]
    assert all(sum(server.hits.values()) > 0 for server in two_sites)
    summary = re.findall(r"^(site_\w+) +(\w+) ", log, re.MULTILINE)
    assert summary == [("site_a", "ok"), ("site_b", "ok")]


def test_crawlall_refuses_an_unknown_site(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    write_site(tmp_path, "site_a", "http://127.0.0.1:9/")
    result = run_scrapy(["crawlall", "site_z"], cwd=tmp_path, settings=settings)
    assert result.returncode == 2
    assert "unknown site 'site_z'; configured sites: site_a" in result.log


def test_runs_without_a_database_says_so_and_creates_none(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    result = run_scrapy(["runs"], cwd=tmp_path, settings=settings)
    assert result.returncode == 0
    assert "No crawl runs recorded yet" in result.log
    assert not (tmp_path / "news.db").exists()
