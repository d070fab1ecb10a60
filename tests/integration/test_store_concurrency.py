"""Two crawlers writing one site into one PostgreSQL database at once make no duplicate rows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import Article, ArticleDuplicate, ArticleUrl
from aggregator.store.schema import open_engine
from tests.support import FROZEN_NOW, CrawlResult, run_scrapy


def test_two_concurrent_crawls_of_one_site_store_each_article_once(
    postgres_url: str, tmp_path: Path
) -> None:
    site = NewsSite(FROZEN_NOW)
    with SiteServer(site, delay=0.05) as server:
        args = ["crawl", "news", "-a", f"url={server.url}/category/news/", "-a", "site=daily"]
        args += ["-a", f"timezone={site.timezone}", "-a", f"max_pages={site.pages}"]
        settings = {
            "AGGREGATOR_DATABASE_URL": postgres_url,
            # One article per transaction: the two writers interleave as much as possible.
            "AGGREGATOR_STORE_BATCH_SIZE": "1",
            # The per-host site lock would serialise them; here they stand for two hosts.
            "AGGREGATOR_LOCK_ENABLED": "False",
        }

        def crawl(name: str) -> CrawlResult:
            workdir = tmp_path / name
            workdir.mkdir()
            return run_scrapy(args, cwd=workdir, settings=settings)

        # Both start on an empty database: the schema is created once, then both write.
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(crawl, ["one", "two"]))

    for result in results:
        assert "Traceback" not in result.log, result.log[-3000:]
        assert result.stats["item_scraped_count"] >= 1
    inserted = sum(r.stats.get("aggregator/store/inserted", 0) for r in results)
    assert inserted == len(site.articles)
    engine = open_engine(postgres_url)
    with Session(engine) as session:
        titles = list(session.scalars(select(Article.title)))
        forms = list(session.scalars(select(ArticleUrl.url)))
        copies = session.scalar(select(func.count()).select_from(ArticleDuplicate))
    engine.dispose()
    assert sorted(titles) == sorted(a.title for a in site.articles)
    assert len(forms) == len(set(forms))
    assert copies == 0
