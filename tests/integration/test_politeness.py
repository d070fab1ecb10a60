"""Per-domain concurrency holds on the asyncio reactor, measured at the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from tests.support import FROZEN_NOW, run_scrapy

# Only navigation matters here; no database needed.
NO_PIPELINES = json.dumps({"aggregator.pipelines.validate.ValidateArticlePipeline": 100})


@pytest.mark.parametrize("limit", [1, 2])
def test_the_server_never_sees_more_open_requests_than_the_limit(
    limit: int, tmp_path: Path
) -> None:
    site = NewsSite(FROZEN_NOW)
    with SiteServer(site, delay=0.15) as server:
        result = run_scrapy(
            [
                "crawl",
                "news",
                "-a",
                f"url={server.url}/category/news/",
                "-a",
                f"max_pages={site.pages}",
            ],
            cwd=tmp_path,
            settings={
                "CONCURRENT_REQUESTS": "16",
                "CONCURRENT_REQUESTS_PER_DOMAIN": str(limit),
                "ITEM_PIPELINES": NO_PIPELINES,
            },
        )
    assert result.returncode == 0, result.log[-2000:]
    assert sum(server.hits.values()) >= 15, "the crawl must have had work to run in parallel"
    assert server.max_open_requests == limit
