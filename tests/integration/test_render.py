"""End to end: a listing that exists only after JavaScript runs, crawled with Debian's Chromium.

Tests marked `browser` need /usr/bin/chromium: they skip on a laptop without
it and FAIL under CI=true, where .ci/run installs it. Crawls that do not start
a browser (the plain control crawl, a missing browser) run everywhere.
Crawls exit 0 even when no browser could start, so these tests count items.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC
from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from aggregator.extract import extract_listing_html
from aggregator.spiders import rendering
from aggregator.store.models import Article
from tests.fixtures.discovery import add_js_listing, js_listing_html
from tests.support import FROZEN_NOW, CrawlResult, crawl_into

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LISTED = slice(0, 6)


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM


def _slow_page(_target: str) -> Response:
    time.sleep(3)
    return Response(200, b"<html><body>late</body></html>")


@pytest.fixture(scope="module")
def site() -> NewsSite:
    site = NewsSite(FROZEN_NOW, articles=8)
    add_js_listing(site, site.articles[LISTED])
    site.add_page("/js/slow/", _slow_page)
    return site


@pytest.fixture(scope="module")
def server(site: NewsSite) -> Iterator[SiteServer]:
    with SiteServer(site) as running:
        yield running


def crawl(
    workdir: Path,
    start: str,
    render_js: str,
    env: dict[str, str] | None = None,
    *,
    healthy: bool = True,
    **settings: str,
) -> tuple[CrawlResult, dict[str, Article]]:
    """Crawl `start` as site `js_news`; a crawl that stores nothing fails its health checks."""
    sites = workdir / "sites"
    sites.mkdir()
    (sites / "js_news.toml").write_text(
        f'start_urls = ["{start}"]\nrender_js = {render_js}\nmax_pages = 1\n'
        'timezone = "America/New_York"\n'
    )
    crawled = crawl_into(
        f"sqlite:///{workdir / 'news.db'}",
        ["crawl", "js_news"],
        cwd=workdir,
        settings={"AGGREGATOR_SITES_DIR": str(sites), **settings},
        env=env,
    )
    result = crawled.result
    assert (result.returncode == 0) == healthy, result.log[-3000:]
    return result, crawled.by_title()


def test_the_served_listing_has_no_article_links(
    server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    html = js_listing_html(site.articles[LISTED], site.now)
    assert extract_listing_html(html, f"{server.url}/js/news/").entries == []
    assert all(article.path.encode() not in html for article in site.articles)
    result, rows = crawl(tmp_path, f"{server.url}/js/news/", "false", healthy=False)
    assert rows == {}
    assert result.stats["aggregator/spider/listing_without_links"] == 1
    assert not any(key.startswith("playwright/") for key in result.stats)


@pytest.mark.browser
def test_a_javascript_listing_is_rendered_and_its_articles_stored(
    chromium: Path, server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    logo_hits = server.hits_for("/wp-content/logo.png")
    result, rows = crawl(tmp_path, f"{server.url}/js/news/", "true")
    assert sorted(rows) == sorted(a.title for a in site.articles[LISTED]), result.log[-3000:]
    for article in site.articles[LISTED]:
        assert rows[article.title].body == "\n\n".join(article.paragraphs)
    stats = result.stats
    # Only the listing went through the browser; articles were plain downloads.
    assert stats["aggregator/render/pages"] == 1
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"] == 1
    # The listing's image was aborted in the browser and never reached the server.
    assert stats["playwright/request_count/aborted"] >= 1
    assert server.hits_for("/wp-content/logo.png") == logo_hits
    assert stats["aggregator/render/browser_rss_bytes"] > 50 * 1024 * 1024
    assert stats["aggregator/render/browser_processes"] >= 2


@pytest.mark.browser
def test_render_all_renders_articles_too_within_the_page_limit(
    chromium: Path, server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    result, rows = crawl(
        tmp_path, f"{server.url}/js/news/", '"all"', PLAYWRIGHT_MAX_PAGES_PER_CONTEXT="2"
    )
    assert sorted(rows) == sorted(a.title for a in site.articles[LISTED]), result.log[-3000:]
    for article in site.articles[LISTED]:
        if article.date_style != "none":
            assert rows[article.title].published_at == article.published.astimezone(UTC)
    stats = result.stats
    assert stats["aggregator/render/pages"] == 1 + len(site.articles[LISTED])
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"]
    assert stats["playwright/page_count/max_concurrent"] <= 2


@pytest.mark.browser
def test_a_render_that_times_out_is_retried_then_counted(
    chromium: Path, server: SiteServer, tmp_path: Path
) -> None:
    result, rows = crawl(
        tmp_path,
        f"{server.url}/js/slow/",
        "true",
        healthy=False,
        AGGREGATOR_RENDER_TIMEOUT="1",
        RETRY_TIMES="1",
    )
    assert rows == {}
    assert result.stats["aggregator/render/failed"] == 1
    assert result.stats["aggregator/spider/failed/listing/TimeoutError"] == 1
    assert result.stats["retry/count"] == 1
    assert result.stats["playwright/page_count"] == result.stats["playwright/page_count/closed"]


@pytest.mark.browser
@pytest.mark.parametrize("render_js", ["true", '"all"'])
def test_a_site_refusing_articles_fails_the_error_rate_check_rendered_or_not(
    chromium: Path, tmp_path: Path, render_js: str
) -> None:
    blocked = NewsSite(FROZEN_NOW, articles=8)
    add_js_listing(blocked, blocked.articles[LISTED])
    refused = blocked.articles[:2]
    for article in refused:
        blocked.add_page(article.path, Response(403, b"<html><body>Forbidden</body></html>"))
    with SiteServer(blocked) as running:
        result, rows = crawl(tmp_path, f"{running.url}/js/news/", render_js, healthy=False)
    assert sorted(rows) == sorted(a.title for a in blocked.articles[2:6]), result.log[-3000:]
    stats = result.stats
    # Rendered or not, a refusal reaches the counters the error_rate check reads.
    assert stats["httperror/response_ignored_status_count/403"] == len(refused)
    assert stats["httperror/response_ignored_count"] == len(refused)
    assert stats["aggregator/spider/failed/article/http_403"] == len(refused)
    assert stats["aggregator/checks/failed"] == 1
    assert stats["aggregator/checks/failed/error_rate"] == 1
    if render_js == '"all"':
        assert stats["aggregator/render/http_status/403"] == len(refused)
        assert "aggregator/render/failed" not in stats


def _descendants(pid: int) -> set[int]:
    parents = rendering._parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _fake_driver() -> tuple[subprocess.Popen[bytes], set[int]]:
    """A stand-in for the playwright driver (argv[0] names it, as the real one's does)
    with a child of its own, as Chromium is; returns it and its processes."""
    driver = subprocess.Popen(
        ["bash", "-c", "sleep 61 & exec -a /opt/playwright/driver/node sleep 60"]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        argv = Path(f"/proc/{driver.pid}/cmdline").read_bytes().split(b"\0")
        if argv[0].endswith(b"/node") and _descendants(driver.pid):
            break
        time.sleep(0.05)
    return driver, {driver.pid, *_descendants(driver.pid)}


def test_browser_memory_counts_the_browser_tree_not_the_extraction_workers() -> None:
    # Extraction workers as the crawl starts them (forkserver), beside the browser.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        assert sum(pool.map(abs, [-1, -2])) == 3  # workers and forkserver are running
        driver, browser = _fake_driver()
        try:
            others = _descendants(os.getpid()) - browser
            rss, pss, processes = rendering.browser_memory()
            everyone = sum(rendering._memory(pid)[0] for pid in browser | others)
        finally:
            for pid in browser:
                os.kill(pid, signal.SIGKILL)
            driver.wait()
    assert len(browser) == 2
    assert len(others) >= 3, "the forkserver and two workers ran beside the browser"
    assert processes == len(browser)
    assert 0 < rss < everyone
    assert pss > 0


def test_the_browser_path_can_be_set_with_s(server: SiteServer, tmp_path: Path) -> None:
    result, rows = crawl(
        tmp_path,
        f"{server.url}/js/news/",
        "true",
        healthy=False,
        RETRY_TIMES="0",
        AGGREGATOR_CHROMIUM_PATH=str(tmp_path / "no-such-chromium"),
    )
    assert rows == {}
    assert result.stats["aggregator/render/failed"] == 1
    assert "no-such-chromium" in result.log


@pytest.mark.browser
def test_a_browser_path_set_with_s_beats_the_environment(
    chromium: Path, server: SiteServer, site: NewsSite, tmp_path: Path
) -> None:
    result, rows = crawl(
        tmp_path,
        f"{server.url}/js/news/",
        "true",
        env={"AGGREGATOR_CHROMIUM_PATH": str(tmp_path / "no-such-chromium")},
        AGGREGATOR_CHROMIUM_PATH=str(chromium),
    )
    assert sorted(rows) == sorted(a.title for a in site.articles[LISTED]), result.log[-3000:]
    assert result.stats["aggregator/render/pages"] == 1


def test_a_missing_browser_is_counted_not_silent(server: SiteServer, tmp_path: Path) -> None:
    result, rows = crawl(
        tmp_path,
        f"{server.url}/js/news/",
        "true",
        env={"AGGREGATOR_CHROMIUM_PATH": str(tmp_path / "no-such-chromium")},
        healthy=False,
        RETRY_TIMES="1",
    )
    assert rows == {}
    assert result.stats["aggregator/render/failed"] == 1
    assert "aggregator/spider/listing_pages" not in result.stats
