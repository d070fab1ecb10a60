"""End to end: crawl the fixture news site into SQLite and check every row field by field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from aggregator.demo.content import DemoArticle
from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import Article, ArticleUrl
from tests.support import FROZEN_NOW, CrawlResult, crawl_into, run_scrapy

PRECISION_WINDOW = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1)}


@pytest.fixture(scope="module")
def site() -> NewsSite:
    return NewsSite(FROZEN_NOW)


@pytest.fixture(scope="module")
def server(site: NewsSite) -> Iterator[SiteServer]:
    with SiteServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def crawl(
    server: SiteServer, site: NewsSite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CrawlResult, list[Article], int]:
    workdir = tmp_path_factory.mktemp("crawl")
    database = f"sqlite:///{workdir / 'news.db'}"
    crawled = crawl_into(
        database,
        [
            "crawl",
            "news",
            "-a",
            f"url={server.url}/category/news/",
            "-a",
            f"timezone={site.timezone}",
            "-a",
            f"max_pages={site.pages}",
        ],
        cwd=workdir,
    )
    with Session(create_engine(database)) as session:
        url_rows = session.scalar(select(func.count()).select_from(ArticleUrl)) or 0
    return crawled.result, crawled.articles, url_rows


def by_title(rows: list[Article]) -> dict[str, Article]:
    return {row.title: row for row in rows}


def test_every_article_is_stored_exactly_once(
    crawl: tuple[CrawlResult, list[Article], int], site: NewsSite
) -> None:
    result, rows, url_rows = crawl
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log
    assert sorted(row.title for row in rows) == sorted(a.title for a in site.articles)
    assert len({row.url for row in rows}) == len(rows)
    assert url_rows >= len(rows)
    assert result.stats["item_dropped_reasons_count/DuplicateArticle"] >= 1


def test_bodies_are_the_article_text_without_boilerplate(
    crawl: tuple[CrawlResult, list[Article], int], site: NewsSite
) -> None:
    rows = by_title(crawl[1])
    for article in site.articles:
        row = rows[article.title]
        assert row.body == "\n\n".join(article.paragraphs), article.path
        for residue in (
            "Source link",
            "Recent Posts",
            "TagstoTranslate",
            "Admin",
            "Share on Facebook",
        ):
            assert residue not in row.body


def test_fields_other_than_the_body(
    crawl: tuple[CrawlResult, list[Article], int], site: NewsSite, server: SiteServer
) -> None:
    rows = by_title(crawl[1])
    for article in site.articles:
        row = rows[article.title]
        assert row.site == "site_127_0_0_1"
        assert row.url == f"{server.url}{article.path}".rstrip("/")
        assert row.category == "News"
        assert "Admin" not in row.authors
        assert row.first_seen_at == FROZEN_NOW and row.last_seen_at == FROZEN_NOW
        assert row.content_hash and len(row.content_hash) == 64


def expected_published(article: DemoArticle) -> datetime:
    return article.published.astimezone(UTC)


def test_machine_readable_dates_are_exact_instants_in_utc(
    crawl: tuple[CrawlResult, list[Article], int], site: NewsSite
) -> None:
    rows = by_title(crawl[1])
    for article in (a for a in site.articles if a.date_style != "none"):
        row = rows[article.title]
        assert row.published_at == expected_published(article), (
            article.date_style,
            row.published_raw,
        )
        assert (
            row.published_source
            == {"jsonld": "jsonld", "meta": "meta", "time": "time"}[article.date_style]
        )
        assert row.published_precision in {"minute", "second"}


def test_teaser_only_dates_count_back_from_the_frozen_fetch_time(
    crawl: tuple[CrawlResult, list[Article], int], site: NewsSite
) -> None:
    rows = by_title(crawl[1])
    first = rows[site.articles[0].title]
    # The seed page's case: "29 mins ago", fetched at 12:00 UTC, is 11:31 UTC.
    assert first.published_raw == "29 mins ago"
    assert first.published_at == datetime(2024, 7, 5, 11, 31, tzinfo=UTC)
    assert (first.published_source, first.published_precision) == ("listing", "minute")
    for article in (a for a in site.articles if a.date_style == "none"):
        row = rows[article.title]
        assert row.published_at is not None, article.path
        window = PRECISION_WINDOW.get(row.published_precision or "", timedelta(days=1))
        assert abs(row.published_at - expected_published(article)) <= window, row.published_raw


def test_the_missing_article_and_the_redirect_were_handled(
    crawl: tuple[CrawlResult, list[Article], int],
) -> None:
    stats = crawl[0].stats
    assert stats["aggregator/spider/failed/article/http_404"] == 1
    assert stats["downloader/response_status_count/301"] >= 1


def test_crawl_through_a_site_file(server: SiteServer, site: NewsSite, tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "fixture_news.toml").write_text(
        f'start_urls = ["{server.url}/category/news/"]\ntimezone = "{site.timezone}"\n'
        f'languages = ["en"]\nmax_pages = 1\n'
    )
    database = f"sqlite:///{tmp_path / 'site.db'}"
    settings = {"AGGREGATOR_SITES_DIR": str(sites), "AGGREGATOR_DATABASE_URL": database}
    listed = run_scrapy(["list"], cwd=tmp_path, settings=settings)
    assert listed.returncode == 0 and "fixture_news" in listed.log.split()
    result = run_scrapy(["crawl", "fixture_news"], cwd=tmp_path, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    with Session(create_engine(database)) as session:
        rows = list(session.scalars(select(Article)))
    assert rows and {row.site for row in rows} == {"fixture_news"}
    # max_pages = 1: only articles linked from the first listing page (and its sidebar).
    assert result.stats["aggregator/spider/listing_pages"] == 1


def test_a_bad_site_file_is_one_clear_error(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "broken.toml").write_text(
        'start_urls = ["https://a.example/"]\ntimezone = "Nowhere/Atlantis"\n'
    )
    result = run_scrapy(["list"], cwd=tmp_path, settings={"AGGREGATOR_SITES_DIR": str(sites)})
    assert result.returncode == 2
    assert "Traceback" not in result.log
    assert f"{sites / 'broken.toml'}: key 'timezone'" in result.log
