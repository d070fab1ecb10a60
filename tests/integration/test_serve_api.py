"""`scrapy serve`'s read API against a real server process, over SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.repository import ArticleRepository
from aggregator.store.runs import CrawlRunRepository, RunRecord
from aggregator.store.schema import drift, open_engine, upgrade
from tests.serve_support import NOW, article, running_server
from tests.support import news_crawl_args, start_scrapy

WRITERS = 2
BATCHES = 12
BATCH = 15


@pytest.fixture
def engine(database_url: str) -> Engine:
    engine = open_engine(database_url)
    upgrade(engine)
    return engine


def _write(engine: Engine, writer: int, errors: list[BaseException]) -> None:
    """Batches of new articles, each followed by an update of an article written earlier."""
    repository = ArticleRepository(engine, near_threshold=0)
    try:
        for batch in range(BATCHES):
            first = (writer * BATCHES + batch) * BATCH
            items = [article(n, site=f"site{writer}") for n in range(first, first + BATCH)]
            if batch:
                earlier = first - BATCH
                items.append(article(earlier, site=f"site{writer}", body=f"Corrected {earlier}."))
            repository.save_batch(items)
    except BaseException as exc:
        errors.append(exc)


def test_a_reader_polling_while_crawls_write_sees_every_change_once_in_order(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []  # (change_seq, id) in the order the API gave them
    errors: list[BaseException] = []
    with running_server(database_url, tmp_path) as server:
        writers = [
            threading.Thread(target=_write, args=(open_engine(database_url), w, errors))
            for w in range(WRITERS)
        ]
        for thread in writers:
            thread.start()
        cursor = 0
        while True:
            done = not any(thread.is_alive() for thread in writers)
            page = server.get(f"/api/articles?since={cursor}&limit=7").json()
            seen.extend((item["change_seq"], item["id"]) for item in page["items"])
            assert page["next"] == (page["items"][-1]["change_seq"] if page["items"] else cursor)
            cursor = page["next"]
            if done and not page["more"]:
                break
    assert not errors
    sequence = [change for change, _ in seen]
    assert sequence == sorted(set(sequence)), "every change once, in change_seq order"
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, change_seq FROM articles")).all()
    final = {row.id: row.change_seq for row in rows}
    assert len(final) == WRITERS * BATCHES * BATCH
    # Every article came, its latest version last; an article updated between two polls
    # comes once with its new number, one updated after it was read comes again.
    assert {i: max(c for c, j in seen if j == i) for _, i in seen} == final
    assert len(seen) > len(final), "updates of articles already read came again"


def test_one_article_has_its_url_forms_revisions_and_duplicates(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    repository = ArticleRepository(engine)
    repository.save_batch([article(1)])
    repository.save_batch([article(1, body="A corrected text, the second version.")])
    copy = article(1, body="A corrected text, the second version.", site="daily")
    copy.url = copy.canonical_url = "https://mirror.example/copy-of-1"
    repository.save_batch([copy])
    with running_server(database_url, tmp_path) as server:
        listing = server.get("/api/articles").json()
        assert [item["url"] for item in listing["items"]] == ["https://daily.example/story/1"]
        detail = server.get(f"/api/articles/{listing['items'][0]['id']}").json()
        missing = server.get("/api/articles/999999")
    assert detail["body"] == "A corrected text, the second version."
    assert "https://daily.example/story/1?utm_source=x" in detail["urls"]
    assert [r["body"] for r in detail["revisions"]] == [article(1).body]
    assert [d["url"] for d in detail["duplicates"]] == ["https://mirror.example/copy-of-1"]
    assert detail["published_at"] == "2024-07-05T11:00:00Z"
    assert detail["first_seen_at"].endswith("Z") and detail["published_precision"] == "minute"
    assert missing.status == 404 and "no such article" in missing.json()["error"]


def test_search_uses_the_index_the_migration_keeps_current(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    repository = ArticleRepository(engine)
    repository.save_batch([article(n, title=f"Plain title {n}") for n in range(5)])
    repository.save_batch([article(2, body="The harbour flooded after the storm.")])
    repository.save_batch([article(9, site="other", body="Storm warning for the harbour.")])
    with running_server(database_url, tmp_path) as server:
        both = server.get("/api/articles?q=harbour%20storm").json()
        one_site = server.get("/api/articles?q=harbour&site=other").json()
        replaced = server.get("/api/articles?q=distinct%2015838").json()  # article 2's old body
        after = server.get(f"/api/articles?q=harbour&since={both['items'][0]['change_seq']}")
        punctuation = server.get("/api/articles?q=%22%2A%28")
    assert [i["title"] for i in both["items"]] == ["Story 2 from daily", "Story 9 from other"]
    assert [i["site"] for i in one_site["items"]] == ["other"]
    assert replaced["items"] == []
    assert [i["site"] for i in after.json()["items"]] == ["other"]
    assert punctuation.status == 400 and "q must contain" in punctuation.json()["error"]


def test_sites_and_runs_show_freshness_status_and_failed_checks(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    ArticleRepository(engine).save_batch([article(3), article(5, site="other")])
    record = RunRecord(
        spider="daily", site="daily", started_at=NOW, finished_at=NOW, finish_reason="finished",
        status="failed", failed_checks=["error_rate"],
        counts={"items_new": 1, "requests": 10, "errors": 3},
        stats={"log_count/ERROR": 3, "downloader/request_count": 10},
    )  # fmt: skip
    CrawlRunRepository(engine).finish(None, record)
    with running_server(database_url, tmp_path) as server:
        sites = {s["site"]: s for s in server.get("/api/sites").json()["sites"]}
        runs = server.get("/api/runs?site=daily&limit=5").json()["runs"]
        bad = server.get("/api/runs?limit=0")
    assert sites["daily"]["freshness_seconds"] == 3 * 3600
    assert sites["daily"]["last_run"]["failed_checks"] == ["error_rate"]
    assert sites["other"]["last_run"] is None and sites["other"]["articles"] == 1
    assert [(r["status"], r["errors"], r["error_rate"]) for r in runs] == [("failed", 3, 0.3)]
    assert bad.status == 400 and bad.json()["error"] == "limit must be at least 1, got 0"


def test_no_response_shows_the_database_url_or_its_password(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    ArticleRepository(engine).save_batch([article(1)])
    url = make_url(database_url)
    if url.drivername.startswith("postgresql"):
        # The test server trusts local users, so any password connects.
        database_url = url.set(password="s3cret-pw").render_as_string(hide_password=False)
    secrets = ["s3cret-pw", str(url.database), "aggregator_test_", "sqlite:"]
    paths = [
        "/", "/api/sites", "/api/runs", "/api/articles", "/api/articles/1", "/openapi.json",
        "/feeds/all.atom", "/feeds/all.json", "/articles?q=story", "/api/articles?limit=x",
    ]  # fmt: skip
    with running_server(database_url, tmp_path) as server:
        answers = [server.get(path) for path in paths]
    assert [a.status for a in answers][:-1] == [200] * (len(paths) - 1)
    for answer in answers:
        text = answer.body.decode()
        assert not [s for s in secrets if s in text]


def test_the_search_objects_are_no_drift_and_other_drift_is_still_found(engine: Engine) -> None:
    assert drift(engine) == []
    found = inspect(engine)
    search_table = "articles_fts" if engine.dialect.name == "sqlite" else "article_search"
    assert search_table in found.get_table_names()
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_articles_last_seen_at"))
    assert [d[0] for d in drift(engine)] == ["add_index"]


def test_a_reader_polling_during_a_real_crawl_sees_every_article_once_in_order(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    site = NewsSite(NOW, articles=20)
    settings = {"AGGREGATOR_DATABASE_URL": database_url, "AGGREGATOR_STORE_BATCH_SIZE": "1"}
    seen: list[tuple[int, int]] = []
    with SiteServer(site, delay=0.05) as pages, running_server(database_url, tmp_path) as server:
        crawl = start_scrapy(news_crawl_args(pages), cwd=tmp_path, settings=settings)
        cursor = 0
        while True:
            finished = crawl.poll() is not None
            page = server.get(f"/api/articles?since={cursor}&limit=3").json()
            seen.extend((item["change_seq"], item["id"]) for item in page["items"])
            cursor = page["next"]
            if finished and not page["more"]:
                break
    assert crawl.returncode == 0
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, change_seq FROM articles")).all()
    assert len(rows) == len(site.articles)
    assert seen == sorted((row.change_seq, row.id) for row in rows)
