"""Feeds and access control of `scrapy serve`, read back as a feed reader and a client would."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from aggregator.store.repository import ArticleRepository
from aggregator.store.schema import open_engine, upgrade
from tests.serve_support import NOW, article, running_server


@pytest.fixture
def stored(database_url: str) -> str:
    engine = open_engine(database_url)
    upgrade(engine)
    items = [article(n) for n in (5, 1, 3)]
    items.append(article(2, site="other", published_precision="day", authors=[]))
    items.append(article(4, published_at=None, published_raw=None, published_precision=None))
    ArticleRepository(engine).save_batch(items)
    engine.dispose()
    return database_url


def _epoch(parsed: object) -> int:
    return calendar.timegm(parsed)  # type: ignore[arg-type]


ORDER = [  # newest first; the undated article 4 has no place in a feed ordered by date
    "https://daily.example/story/1", "https://other.example/story/2",
    "https://daily.example/story/3", "https://daily.example/story/5",
]  # fmt: skip


def test_the_atom_feeds_parse_back_newest_first_with_true_times(
    stored: str, tmp_path: Path
) -> None:
    with running_server(stored, tmp_path) as server:
        every = server.get("/feeds/all.atom")
        daily = server.get("/feeds/daily.atom?limit=2")
        unknown = server.get("/feeds/nowhere.atom")
    assert every.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(every.body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries] == ORDER
    first = feed.entries[0]
    assert _epoch(first.published_parsed) == int(NOW.timestamp()) - 3600
    assert (first.title, first.author, first.id) == ("Story 1 from daily", "Ann Writer", ORDER[0])
    assert "Story number 1 of daily" in first.content[0].value
    assert [e.link for e in feedparser.parse(daily.body).entries] == [ORDER[0], ORDER[2]]
    assert unknown.status == 404


def test_the_json_feeds_follow_json_feed_1_1_newest_first(stored: str, tmp_path: Path) -> None:
    # feedparser 6.0 (the newest release) reads no JSON Feed: checked against the spec instead.
    with running_server(stored, tmp_path) as server:
        every = server.get("/feeds/all.json")
        daily = server.get("/feeds/daily.json?limit=2").json()
        unknown = server.get("/feeds/nowhere.json")
    assert every.headers["Content-Type"].startswith("application/feed+json")
    document = every.json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] and document["feed_url"].endswith("/feeds/all.json")
    items = document["items"]
    assert [item["url"] for item in items] == ORDER
    assert all(isinstance(item["id"], str) and item["content_text"] for item in items)
    published = [datetime.fromisoformat(item["date_published"]) for item in items]
    assert published[0] == NOW - timedelta(hours=1)
    assert published == sorted(published, reverse=True)
    assert items[0]["authors"] == [{"name": "Ann Writer"}] and "authors" not in items[1]
    assert [item["url"] for item in daily["items"]] == [ORDER[0], ORDER[2]]
    assert unknown.status == 404


def test_the_precision_of_a_date_travels_in_each_format(stored: str, tmp_path: Path) -> None:
    with running_server(stored, tmp_path) as server:
        atom = feedparser.parse(server.get("/feeds/other.atom").body)
        document = server.get("/feeds/other.json").json()
    assert atom.entries[0]["agg_published_precision"] == "day"
    assert document["items"][0]["_aggregator"]["published_precision"] == "day"
    assert document["items"][0]["date_published"] == "2024-07-05T10:00:00Z"


def test_with_a_token_every_route_needs_it(stored: str, tmp_path: Path) -> None:
    paths = ["/", "/static/style.css", "/api/articles", "/feeds/all.atom", "/openapi.json",
             "/articles?q=story", "/no/such/page"]  # fmt: skip
    with running_server(stored, tmp_path, token="t0ken-for-tests") as server:
        missing = [server.get(path, token="").status for path in paths]
        wrong = [server.get(path, token="t0ken-for-test").status for path in paths]
        right = [server.get(path).status for path in paths]
        scheme = server.get("/api/articles", token="t0ken-for-tests ").status
        refusal = server.get("/api/articles", token="nope")
    assert missing == [401] * len(paths)
    assert wrong == [401] * len(paths)
    assert right == [200] * (len(paths) - 1) + [404]
    assert scheme == 200
    assert refusal.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in refusal.json()["error"]
