"""Whole crawls meeting store faults (issue 15): a full spool disk, a lone surrogate in a page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from aggregator.store.models import Article
from aggregator.store.schema import open_engine
from tests.support import news_crawl_args, run_scrapy

SURROGATE_LISTING = "/category/odd/"
SURROGATE_ARTICLE = "/2024/07/05/lone-surrogate/"
# As a page spells it: JSON may escape a lone surrogate, and json.loads keeps it.
SURROGATE_JSONLD = (
    '{"@context": "https://schema.org", "@type": "NewsArticle",'
    ' "headline": "Lone \\ud800 surrogate", "datePublished": "2024-07-05T09:00:00Z",'
    ' "author": {"@type": "Person", "name": "Ana Ruiz"}}'
)


def stored(database_url: str) -> list[Article]:
    engine = open_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Article)))
    finally:
        engine.dispose()


def add_surrogate_pages(site: NewsSite) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of a story whose structured data holds one bad character, "
        "long enough to be read as the text of an article.</p>"
        for n in range(6)
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Lone surrogate</title>'
        f'<script type="application/ld+json">{SURROGATE_JSONLD}</script></head>'
        f"<body><article><h1>Lone surrogate</h1>{paragraphs}</article></body></html>"
    )
    listing = (
        '<html><body><main><article class="post"><h2 class="entry-title">'
        f'<a href="{SURROGATE_ARTICLE}">A story with a lone surrogate in its data</a>'
        "</h2></article></main></body></html>"
    )
    site.add_page(SURROGATE_ARTICLE, Response(200, page.encode()))
    site.add_page(SURROGATE_LISTING, Response(200, listing.encode()))


def test_lone_surrogate_in_jsonld_is_stored_with_a_replacement_character(
    site: NewsSite, tmp_path: Path
) -> None:
    """Issue 15, fault 5: the article was in neither the database nor the spool, and exit 0."""
    add_surrogate_pages(site)
    database = f"sqlite:///{tmp_path / 'news.db'}"
    with SiteServer(site) as server:
        args = ["crawl", "news", "-a", f"url={server.url}{SURROGATE_LISTING}", "-a", "site=odd"]
        result = run_scrapy(
            [*args, "-a", "max_pages=1"],
            cwd=tmp_path,
            settings={"AGGREGATOR_DATABASE_URL": database},
        )

    assert result.returncode == 0, result.log[-3000:]
    titles = [a.title for a in stored(database)]
    assert titles == ["Lone \ufffd surrogate"]
    assert result.stats["aggregator/clean/invalid_unicode"] == 1
    assert "Invalid Unicode (lone surrogates) replaced by U+FFFD in title" in result.log
    assert "Traceback" not in result.log
    assert list((tmp_path / "spool").glob("*.jsonl")) == []


def test_full_spool_disk_with_a_working_database_stores_every_article(
    server: SiteServer, site: NewsSite, tmp_path: Path, full_disk: Path
) -> None:
    """Issue 15, fault 3: a full spool disk lost every article although the database was fine."""
    database = f"sqlite:///{tmp_path / 'news.db'}"
    result = run_scrapy(
        news_crawl_args(server),
        cwd=tmp_path,
        settings={
            "AGGREGATOR_DATABASE_URL": database,
            "AGGREGATOR_SPOOL_DIR": str(full_disk / "spool"),
        },
    )

    assert result.returncode == 0, result.log[-3000:]
    assert sorted(a.title for a in stored(database)) == sorted(a.title for a in site.articles)
    assert result.stats["aggregator/store/spool_failed"] == len(site.articles)
    assert result.stats["aggregator/store/spool_failed/stored"] == len(site.articles)
    assert result.log.count("Spool unwritable") == 1
    assert "Traceback" not in result.log


def test_full_spool_disk_and_database_down_stop_the_crawl_with_one_critical_line(
    server: SiteServer, tmp_path: Path, full_disk: Path
) -> None:
    """Issue 15, fault 3: neither store works: stop early, exit 1, nothing counted as stored."""
    result = run_scrapy(
        news_crawl_args(server),
        cwd=tmp_path,
        settings={
            "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'news.db'}",
            "AGGREGATOR_SPOOL_DIR": str(full_disk / "spool"),
        },
    )

    assert result.returncode == 1, result.log[-3000:]
    assert result.stats["finish_reason"] == "storage_unavailable"
    assert result.log.count("] CRITICAL: ") == 1
    assert "Storage unavailable, stopping the crawl" in result.log
    assert result.stats["aggregator/store/spool_failed/unstored"] >= 1
    for outcome in ("inserted", "updated", "unchanged", "spooled"):
        assert f"aggregator/store/{outcome}" not in result.stats
    assert result.stats.get("item_scraped_count", 0) == 0
    assert "Traceback" not in result.log
