"""Issue 15, faults 4 and 7 in a crawl: malformed links cost only themselves, and a
link with credentials neither reaches the site nor makes robots.txt log an ERROR."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.demo.pages import listing_page
from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite, Response
from aggregator.store.models import Article, ArticleUrl
from aggregator.store.schema import open_engine
from tests.support import FROZEN_NOW, run_scrapy


def test_one_malformed_link_does_not_discard_its_listing(tmp_path: Path) -> None:
    site = NewsSite(FROZEN_NOW, articles=12)
    with SiteServer(site) as server:
        good = [(a.path, a) for a in site.articles[:3]]
        host, port = server.url.removeprefix("http://").split(":")
        bad = [
            (f"http://{host}:99999/2024/07/05/bad-port-story/", site.articles[3]),
            ("http://[::1/2024/07/05/broken-ipv6-story/", site.articles[4]),
            (f"http://admin:s3cret@{host}:{port}{site.articles[5].path}", site.articles[5]),
        ]
        page = listing_page([good[0], *bad, *good[1:]], site.now, site.listing_path(2), [])
        site.add_page(site.listing_path(1), Response(200, page.encode()))
        # A feed entry with credentials: requested without them.
        feed = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item>'
            f"<title>{site.articles[11].title}</title>"
            f"<link>http://admin:s3cret@{host}:{port}{site.articles[11].path}</link>"
            "<pubDate>Fri, 05 Jul 2024 09:00:00 GMT</pubDate></item></channel></rss>"
        )
        site.add_page(
            "/feed/", Response(200, feed.encode(), {"Content-Type": "application/rss+xml"})
        )
        database = f"sqlite:///{tmp_path / 'news.db'}"
        result = run_scrapy(
            ["crawl", "news", "-a", f"url={server.url}/category/news/", "-a", "max_pages=2"],
            cwd=tmp_path,
            settings={"AGGREGATOR_DATABASE_URL": database},
        )

    assert "Traceback" not in result.log, result.log[-3000:]
    assert " ERROR: " not in result.log, result.log[-3000:]
    # The three good links and the listing's next page were all followed.
    assert all(server.hits[path] == 1 for path, _ in good)
    assert server.hits[site.listing_path(2)] == 1
    assert server.hits[site.articles[11].path] == 1
    stats = result.stats
    assert stats["aggregator/spider/invalid_link/bad_port"] == 1
    assert stats["aggregator/spider/invalid_link/unparsable"] == 1
    assert stats["aggregator/spider/invalid_link/userinfo"] == 1
    engine = open_engine(database)
    with Session(engine) as session:
        urls = [*session.scalars(select(Article.url)), *session.scalars(select(ArticleUrl.url))]
    engine.dispose()
    assert urls and not any("s3cret" in url or "admin@" in url for url in urls)
