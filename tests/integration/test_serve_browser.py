"""The dashboard in real Chromium (Debian's, through Playwright's Python API).

Checks: no console error, no request to any host but the server, the charts
draw (a screenshot of each chart has ink on it, counted by the browser itself
on a canvas, so no image library is needed), and the article browser's search
finds a stored article. With `AGGREGATOR_UPDATE_SCREENSHOT=1` the dashboard's
screenshot replaces docs/dashboard.png (the README shows it).
"""

from __future__ import annotations

import base64
import os
import shutil
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from aggregator.store.repository import ArticleRepository
from aggregator.store.runs import CrawlRunRepository, RunRecord
from aggregator.store.schema import open_engine, upgrade
from tests.serve_support import NOW, article, running_server
from tests.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SITES = ("daily", "metro_news", "harbour_times")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM


def _runs(repository: CrawlRunRepository, site: str, offset: int) -> None:
    for n in range(12):
        started = NOW - timedelta(hours=6 * (12 - n))
        errors = (n * 7 + offset) % 5
        requests = 40 + (n * 13 + offset) % 30
        failed = ["error_rate"] if errors > 3 else []
        record = RunRecord(
            spider=site, site=site, started_at=started, finished_at=started + timedelta(minutes=3),
            finish_reason="finished", status="failed" if failed else "ok", failed_checks=failed,
            counts={"items_new": (n * 5 + offset * 3) % 17 + 1, "requests": requests,
                    "errors": errors},
            stats={"log_count/ERROR": errors, "downloader/request_count": requests,
                   "aggregator/runs/newest_age_seconds": 3600.0 * ((n + offset) % 6 + 1)},
        )  # fmt: skip
        repository.finish(None, record)


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'dashboard.db'}"
    engine = open_engine(url)
    upgrade(engine)
    items = [
        article(n, site=site) for offset, site in enumerate(SITES) for n in range(offset, 9, 2)
    ]
    items.append(article(30, site="daily", title="Lighthouse keeper retires after forty years"))
    ArticleRepository(engine).save_batch(items)
    for offset, site in enumerate(SITES):
        _runs(CrawlRunRepository(engine), site, offset)
    engine.dispose()
    return url


@pytest.fixture
def page(chromium: Path) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            yield context.new_page()
        finally:
            browser.close()


def _ink(page: Page, png: bytes) -> int:
    """How many pixels of a PNG are not (near) white, counted on a canvas in a blank page.

    The dashboard's own Content-Security-Policy rightly refuses data: images.
    """
    encoded = base64.b64encode(png).decode()
    return int(
        page.evaluate(
            """async (data) => {
                const image = new Image();
                image.src = "data:image/png;base64," + data;
                await image.decode();
                const canvas = document.createElement("canvas");
                canvas.width = image.width; canvas.height = image.height;
                const context = canvas.getContext("2d");
                context.drawImage(image, 0, 0);
                const pixels = context.getImageData(0, 0, image.width, image.height).data;
                let ink = 0;
                for (let i = 0; i < pixels.length; i += 4) {
                    if (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200) ink++;
                }
                return ink;
            }""",
            encoded,
        )
    )


def test_the_dashboard_draws_its_charts_from_the_server_alone(
    seeded: str, page: Page, tmp_path: Path
) -> None:
    errors: list[str] = []
    hosts: set[str] = set()
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.add(urllib.parse.urlsplit(request.url).netloc))
    with running_server(seeded, tmp_path) as server:
        page.goto(server.url + "/", wait_until="load")
        rows = page.locator("table.sites tbody tr")
        assert rows.count() == len(SITES)
        assert "error_rate" in page.locator("table.sites").inner_text()
        charts = page.locator("svg.chart")
        assert charts.count() == 3 * len(SITES)
        shot = page.screenshot(full_page=True)
        (tmp_path / "dashboard.png").write_bytes(shot)
        shots = [charts.nth(i).screenshot() for i in range(charts.count())]
        scratch = page.context.new_page()
        chart_ink = [_ink(scratch, png) for png in shots]
        scratch.close()
        page.goto(server.url + "/sites/daily", wait_until="load")
        assert page.locator("svg.chart").count() == 3
        assert page.locator("table tbody tr").count() == 12
        page.locator("table tbody tr a").first.click()
        page.wait_for_url("**/runs/*")
        assert "Figures" in page.content()
    assert errors == []
    assert hosts == {urllib.parse.urlsplit(server.url).netloc}
    assert all(ink > 20 for ink in chart_ink), chart_ink
    if os.environ.get("AGGREGATOR_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(tmp_path / "dashboard.png", ROOT / "docs" / "dashboard.png")


def test_the_article_browser_finds_a_stored_article(
    seeded: str, page: Page, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    with running_server(seeded, tmp_path) as server:
        page.goto(server.url + "/articles", wait_until="load")
        page.get_by_label("Search").fill("lighthouse keeper")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/articles?q=lighthouse*")
        titles = page.locator("table.articles tbody tr td:nth-child(3)").all_inner_texts()
        page.get_by_role("link", name="Lighthouse keeper retires after forty years").click()
        page.wait_for_url("**/articles/*")
        heading = page.locator("h1").inner_text()
    assert titles == ["Lighthouse keeper retires after forty years"]
    assert heading == "Lighthouse keeper retires after forty years"
    assert errors == []
