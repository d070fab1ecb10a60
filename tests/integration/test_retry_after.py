"""Issue 15, fault 6: `Retry-After` on 429 and 503 is honoured, per host, within a bound."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from tests.support import FROZEN_NOW, CrawlResult, run_scrapy

LISTING = "/category/news/"


class Throttled:
    """A listing page that answers `status` with `Retry-After` once, then the real page."""

    def __init__(self, site: NewsSite, status: int, retry_after: Callable[[], str]) -> None:
        self.site = site
        self.status = status
        self.retry_after = retry_after
        self.times: list[float] = []

    def __call__(self, target: str) -> Response:
        self.times.append(time.monotonic())
        if len(self.times) == 1:
            headers = {"Content-Type": "text/html", "Retry-After": self.retry_after()}
            return Response(self.status, b"<html><body>Slow down</body></html>", headers)
        return self.site._listing(1)


def record_times(site: NewsSite) -> list[float]:
    """Times at which `site` answered any request."""
    times: list[float] = []
    lock = threading.Lock()
    original = site.handle

    def handle(target: str) -> Response:
        with lock:
            times.append(time.monotonic())
        return original(target)

    site.handle = handle  # type: ignore[method-assign]
    return times


def crawl(urls: list[str], tmp_path: Path, **settings: str) -> CrawlResult:
    args = ["crawl", "news", "-a", f"url={','.join(urls)}", "-a", "site=polite"]
    result = run_scrapy(
        [*args, "-a", "max_pages=1"],
        cwd=tmp_path,
        settings={
            "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            **settings,
        },
    )
    assert "Traceback" not in result.log, result.log[-3000:]
    return result


@pytest.mark.parametrize(
    ("status", "retry_after", "asked"),
    [
        (429, lambda: "3", 3.0),
        # An HTTP-date, relative to the server's own Date header (whole seconds).
        (503, lambda: formatdate(time.time() // 1 + 4, usegmt=True), 3.0),
    ],
)
def test_retry_after_is_honoured_for_that_host_only(
    tmp_path: Path, status: int, retry_after: Callable[[], str], asked: float
) -> None:
    throttled_site = NewsSite(FROZEN_NOW, articles=5)
    other_site = NewsSite(FROZEN_NOW, articles=12, seed=3)
    other_times = record_times(other_site)
    with (
        SiteServer(throttled_site, host="127.0.0.2") as throttled,
        SiteServer(other_site, host="127.0.0.3", delay=0.2) as other,
    ):
        listing = Throttled(throttled_site, status, retry_after)
        throttled_site.add_page(LISTING, listing)
        result = crawl([f"{throttled.url}{LISTING}", f"{other.url}{LISTING}"], tmp_path)

    assert len(listing.times) == 2, "asked once, then once more after the wait"
    refused_at, retried_at = listing.times
    assert retried_at - refused_at >= asked
    # The other host was not paused: it was served while the throttled one waited.
    assert any(refused_at < t < retried_at for t in other_times)
    assert result.stats["aggregator/retry_after/waited"] == 1
    assert result.stats["aggregator/retry_after/count"] == 1
    assert result.stats["aggregator/store/inserted"] >= 5 + 5


def test_retry_after_over_the_maximum_is_given_up_and_counted(tmp_path: Path) -> None:
    site = NewsSite(FROZEN_NOW, articles=5)
    with SiteServer(site, host="127.0.0.2") as server:
        listing = Throttled(site, 429, lambda: "3600")
        site.add_page(LISTING, listing)
        result = crawl([f"{server.url}{LISTING}"], tmp_path, AGGREGATOR_RETRY_AFTER_MAX="5")

    # Not asked again sooner than the site said (Scrapy alone retried it at once, twice).
    assert len(listing.times) == 1
    assert result.stats["aggregator/retry_after/too_long"] == 1
    assert result.stats["aggregator/spider/failed/listing/http_429"] == 1
    assert "retry/count" not in result.stats
