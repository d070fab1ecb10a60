"""Crawling the fixture site into SQLite and PostgreSQL: re-crawls, updates, syndicated copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import Article, ArticleDuplicate, ArticleRevision, ArticleUrl
from aggregator.store.schema import open_engine
from tests.fixtures.syndication import syndicate
from tests.support import FROZEN_NOW, CrawlResult, news_crawl_args, run_scrapy

DAY = 24 * 3600


def crawl(
    server: SiteServer,
    workdir: Path,
    database_url: str,
    *,
    site_name: str = "daily",
    refresh_window: int = 0,
) -> CrawlResult:
    result = run_scrapy(
        news_crawl_args(server, site_name=site_name),
        cwd=workdir,
        settings={
            "AGGREGATOR_DATABASE_URL": database_url,
            "AGGREGATOR_INCREMENTAL_REFRESH_WINDOW": str(refresh_window),
        },
    )
    assert "Traceback" not in result.log, result.log[-3000:]
    assert result.stats.get("item_scraped_count", 0) or result.stats.get(
        "aggregator/incremental/skipped"
    ), result.log[-3000:]
    return result


def article_hits(server: SiteServer) -> dict[str, int]:
    """Requests per article path (listing pages, feeds and robots.txt left out)."""
    paths = {a.path for a in server.site.articles}
    return {path: n for path, n in server.hits.items() if path.split("?")[0] in paths}


def count(database_url: str, model: type[object]) -> int:
    engine = open_engine(database_url)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return total


def test_a_second_crawl_stores_nothing_and_downloads_no_article_again(
    server: SiteServer, site: NewsSite, database_url: str, tmp_path: Path
) -> None:
    first = crawl(server, tmp_path, database_url)
    assert first.stats["aggregator/store/inserted"] == len(site.articles)
    downloaded = article_hits(server)
    assert set(downloaded) >= {a.path for a in site.articles}
    server.hits.clear()

    second = crawl(server, tmp_path, database_url)

    assert article_hits(server) == {}
    for outcome in ("inserted", "updated", "unchanged", "duplicate_exact", "duplicate_near"):
        assert f"aggregator/store/{outcome}" not in second.stats
    assert second.stats["aggregator/incremental/skipped"] >= len(site.articles) // 2
    # Listing page 1 is fetched again; every article on it is stored, so page 2 is not.
    assert server.hits["/category/news/"] == 1
    assert server.hits[site.listing_path(2)] == 0
    assert second.stats["aggregator/incremental/pagination_stopped"] == 1
    assert count(database_url, Article) == len(site.articles)


def test_a_changed_article_is_one_update_with_one_revision(
    server: SiteServer, site: NewsSite, database_url: str, tmp_path: Path
) -> None:
    crawl(server, tmp_path, database_url)
    old_body = "\n\n".join(site.articles[2].paragraphs)
    changed = site.update_article(3, "Update: the council has since confirmed the vote.")

    # A refresh window of 30 days makes every stored article young enough to fetch again.
    second = crawl(server, tmp_path, database_url, refresh_window=30 * DAY)

    assert second.stats["aggregator/store/updated"] == 1
    # Every other article fetched again (listing page 1 and its sidebar) is unchanged.
    assert second.stats["aggregator/store/unchanged"] == second.stats["item_scraped_count"] - 1
    assert second.stats["aggregator/store/unchanged"] >= site.per_page - 1
    assert "aggregator/store/inserted" not in second.stats
    assert second.stats["aggregator/incremental/refreshed"] >= site.per_page
    engine = open_engine(database_url)
    with Session(engine) as session:
        revisions = list(session.scalars(select(ArticleRevision)))
        article = session.scalars(select(Article).where(Article.title == changed.title)).one()
        assert len(revisions) == 1
        assert revisions[0].article_id == article.id
        assert revisions[0].body == old_body
        assert article.body == "\n\n".join(changed.paragraphs)
        assert session.scalar(select(func.count()).select_from(Article)) == len(site.articles)
    engine.dispose()


@pytest.mark.parametrize("exact", [False, True], ids=["near", "exact"])
def test_a_syndicated_copy_on_another_site_is_not_a_second_row(
    server: SiteServer, site: NewsSite, database_url: str, tmp_path: Path, exact: bool
) -> None:
    crawl(server, tmp_path, database_url, site_name="daily")
    partner = NewsSite(FROZEN_NOW, articles=4, per_page=5, seed=99)
    original = site.articles[6]
    copy = syndicate(original, partner, exact=exact)

    with SiteServer(partner) as partner_server:
        result = crawl(partner_server, tmp_path, database_url, site_name="wire")
        partner_server.hits.clear()
        again = crawl(partner_server, tmp_path, database_url, site_name="wire")
        copy_hits = partner_server.hits[copy.path]

    kind = "exact" if exact else "near"
    assert result.stats[f"aggregator/store/duplicate_{kind}"] == 1
    assert result.stats["aggregator/store/inserted"] == len(partner.articles) - 1
    assert "aggregator/store/inserted" not in again.stats
    assert copy_hits == 0, "a known copy is not downloaded again"
    engine = open_engine(database_url)
    with Session(engine) as session:
        rows = list(session.scalars(select(Article).where(Article.title == original.title)))
        assert [row.site for row in rows] == ["daily"]
        duplicate = session.scalars(select(ArticleDuplicate)).one()
        assert duplicate.article_id == rows[0].id
        assert (duplicate.site, duplicate.kind) == ("wire", kind)
        assert duplicate.url == f"{partner_server.url}{copy.path}".rstrip("/")
        assert 0.7 <= duplicate.similarity <= 1.0
        assert (duplicate.similarity == 1.0) is exact
        # The copy's URL is not one of the original's forms.
        forms = set(
            session.scalars(select(ArticleUrl.url).where(ArticleUrl.article_id == rows[0].id))
        )
        assert duplicate.url not in forms
        total = session.scalar(select(func.count()).select_from(Article))
        assert total == len(site.articles) + len(partner.articles) - 1
    engine.dispose()
