"""Sitemaps: news entries, indexes, gzip, limits, and the documents that are refused."""

from __future__ import annotations

import gzip

import pytest

from aggregator.discovery import Link, Refused
from aggregator.discovery.sitemaps import parse_sitemap
from tests.fixtures.discovery import BILLION_LAUGHS

URL = "https://news.example/sitemap.xml"
LIMIT = 1_000_000

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url>
  <image:image><image:loc>https://cdn.example/pic.jpg</image:loc></image:image>
  <loc>https://news.example/2024/07/05/bridge/</loc>
  <lastmod>2024-07-05T11:40:00Z</lastmod>
  <news:news>
    <news:publication><news:name>Daily</news:name><news:language>en</news:language></news:publication>
    <news:publication_date>2024-07-05T07:31:00-04:00</news:publication_date>
    <news:title>Council  approves bridge</news:title>
  </news:news>
</url>
<url><loc>https://news.example/about/</loc><lastmod>2023-01-01</lastmod></url>
<url><lastmod>2024-07-05</lastmod></url>
<url><loc>javascript:alert(1)</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/news-sitemap.xml</loc><lastmod>2024-07-05T12:00:00Z</lastmod></sitemap>
<sitemap><loc>/post-sitemap.xml</loc></sitemap>
</sitemapindex>"""

BRIDGE = Link(
    url="https://news.example/2024/07/05/bridge/",
    title="Council approves bridge",
    published_raw="2024-07-05T07:31:00-04:00",
    lastmod="2024-07-05T11:40:00Z",
    news=True,
)
ABOUT = Link(url="https://news.example/about/", lastmod="2023-01-01")


@pytest.mark.parametrize("data", [NEWS, gzip.compress(NEWS)], ids=["plain", "gzipped"])
def test_a_news_sitemap_gives_dates_titles_and_lastmod(data: bytes) -> None:
    document = parse_sitemap(data, URL, max_bytes=LIMIT, max_urls=100)
    assert document.kind == "urlset"
    assert document.links == [BRIDGE, ABOUT]
    assert document.over_limit == 0


def test_an_index_names_more_sitemaps_resolved_against_its_url() -> None:
    document = parse_sitemap(gzip.compress(INDEX), URL, max_bytes=LIMIT, max_urls=100)
    assert document.kind == "sitemapindex"
    assert [(link.url, link.lastmod) for link in document.links] == [
        ("https://news.example/news-sitemap.xml", "2024-07-05T12:00:00Z"),
        ("https://news.example/post-sitemap.xml", None),
    ]


def test_entries_past_the_url_limit_are_counted_not_returned() -> None:
    document = parse_sitemap(NEWS, URL, max_bytes=LIMIT, max_urls=1)
    assert document.links == [BRIDGE]
    assert document.over_limit == 3


def test_a_large_sitemap_is_read_in_full_under_the_limits() -> None:
    entries = b"".join(b"<url><loc>https://news.example/%d/</loc></url>" % n for n in range(20_000))
    data = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + entries + b"</urlset>"
    document = parse_sitemap(data, URL, max_bytes=len(data), max_urls=50_000)
    assert len(document.links) == 20_000
    assert document.links[-1].url == "https://news.example/19999/"


REFUSED = [
    ("oversized", NEWS + b" " * LIMIT, "too_large"),
    (
        "gzip bomb",
        gzip.compress(NEWS.replace(b"</urlset>", b" " * 4 * LIMIT + b"</urlset>")),
        "too_large",
    ),
    ("truncated gzip", gzip.compress(NEWS)[:40], "bad_gzip"),
    ("billion laughs", BILLION_LAUGHS.replace(b"rss", b"urlset"), "doctype"),
    (
        "external entity",
        b'<!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset>&x;</urlset>',
        "doctype",
    ),
    ("an HTML page", b"<html><body>Hello</body></html>", "not_a_sitemap"),
    ("a feed", b'<rss version="2.0"><channel></channel></rss>', "not_a_sitemap"),
    ("broken XML", b"<urlset><url><loc>https://news.example/x/</url>", "malformed"),
    ("empty", b"", "malformed"),
]


@pytest.mark.parametrize(("case", "data", "reason"), REFUSED, ids=[row[0] for row in REFUSED])
def test_refused_documents_name_their_reason(case: str, data: bytes, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        parse_sitemap(data, URL, max_bytes=LIMIT, max_urls=100)
    assert refused.value.reason == reason
