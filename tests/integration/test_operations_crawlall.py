"""`scrapy crawlall`: sites that share a host never crawl at the same time."""

from __future__ import annotations

from pathlib import Path

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from tests.integration.test_operations import operator_settings, stored_runs, write_site
from tests.support import FROZEN_NOW, run_scrapy


def test_two_sites_on_one_host_keep_the_per_domain_limit(tmp_path: Path) -> None:
    settings = {**operator_settings(tmp_path), "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    with SiteServer(NewsSite(FROZEN_NOW, articles=8), delay=0.2) as server:
        write_site(tmp_path, "site_a", f"{server.url}/category/news/")
        write_site(tmp_path, "site_b", f"{server.url}/category/news/page/2/")
        result = run_scrapy(["crawlall", "--concurrency", "2"], cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    assert sorted((run.site, run.status) for run in stored_runs(tmp_path)) == [
        ("site_a", "ok"),
        ("site_b", "ok"),
    ]
    # Each crawler has its own downloader: only never running both keeps the limit.
    assert server.max_open_requests == 1
    assert "site_b waits for site_a: both crawl 127.0.0.1" in result.log
    log = result.log
    opened = [i for i in range(len(log)) if log.startswith("Spider opened", i)]
    assert len(opened) == 2
    assert log.index("waits") < opened[0] < log.index("Crawl run of site_a: ok") < opened[1]


def test_a_site_on_another_host_goes_ahead_of_one_that_waits(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    with (
        SiteServer(NewsSite(FROZEN_NOW, articles=8), delay=0.2) as shared,
        SiteServer(NewsSite(FROZEN_NOW, articles=4, seed=2), host="127.0.0.2") as other,
    ):
        write_site(tmp_path, "site_a", f"{shared.url}/category/news/")
        write_site(tmp_path, "site_b", f"{shared.url}/category/news/page/2/")
        write_site(tmp_path, "site_c", f"{other.url}/category/news/")
        result = run_scrapy(["crawlall", "--concurrency", "2"], cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    log = result.log
    assert "site_b waits for site_a: both crawl 127.0.0.1" in log
    # site_c shares no host with site_a: it crawls alongside, while site_b waits for site_a.
    opened = [i for i in range(len(log)) if log.startswith("Spider opened", i)]
    assert len(opened) == 3
    assert opened[1] < log.index("Crawl run of site_a: ok") < opened[2]
    assert log.index("Crawl run of site_a: ok") < log.index("Crawl run of site_b: ok")
    assert sum(other.hits.values()) > 0
