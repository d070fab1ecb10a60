"""Feeds: what `parse_feed` reads from RSS and Atom, and the XML attacks it refuses."""

from __future__ import annotations

import pytest

from aggregator.discovery import Link, Refused
from aggregator.discovery.feeds import parse_feed
from tests.fixtures.discovery import BILLION_LAUGHS, XXE_FEED

URL = "https://news.example/feed/"
LIMIT = 1_000_000

RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Daily</title>
<item><title>Council  approves &amp; funds bridge</title><link>https://news.example/a/</link>
<pubDate>Fri, 05 Jul 2024 07:31:00 -0400</pubDate></item>
<item><title>No link here</title><pubDate>Fri, 05 Jul 2024 06:00:00 -0400</pubDate></item>
<item><title>Again</title><link>https://news.example/a/</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Daily</title><id>x</id><updated>2024-07-05T12:00:00Z</updated>
<entry><title type="html">Port &lt;b&gt;strike&lt;/b&gt;</title>
<link rel="alternate" href="/2024/07/05/port/"/>
<id>1</id><published>2024-07-05T07:31:00-04:00</published><updated>2024-07-05T09:00:00-04:00</updated></entry>
<entry><title>Only updated</title><link href="https://news.example/b/"/><id>2</id>
<updated>2024-07-04T22:00:00Z</updated></entry></feed>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>Daily</title><link>https://news.example/</link></channel>
<item rdf:about="https://news.example/c/"><title>RDF item</title><link>https://news.example/c/</link>
<dc:date>2024-07-05T10:00:00+02:00</dc:date></item></rdf:RDF>"""

# Real feeds are often not well-formed XML (a bare "&" in a title): read leniently.
MALFORMED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>
<item><title>Salt & pepper</title><link>https://news.example/d/</link>
<pubDate>Thu, 04 Jul 2024 18:00:00 GMT</pubDate></item></channel></rss>"""

# One flat entity referenced many times: no nesting, yet it multiplies (quadratic blow-up).
QUADRATIC = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "'
    + b"a" * 50_000
    + b'">]>\n<rss version="2.0"><channel><title>t</title><item><title>'
    + b"&a;" * 1000
    + b"</title><link>https://news.example/q/</link></item></channel></rss>"
)
MALFORMED_WITH_ENTITIES = b'<!DOCTYPE rss [<!ENTITY a "x">]><rss><channel><item><title>&a; &'

READ = [
    (
        "rss2",
        RSS2,
        [
            Link(
                "https://news.example/a/",
                "Council approves & funds bridge",
                "Fri, 05 Jul 2024 07:31:00 -0400",
                None,
                news=True,
            )
        ],
    ),
    (
        "atom: relative link, published beats updated, updated alone is used",
        ATOM,
        [
            Link(
                "https://news.example/2024/07/05/port/",
                "Port <b>strike</b>",
                "2024-07-05T07:31:00-04:00",
                "2024-07-05T09:00:00-04:00",
                news=True,
            ),
            Link(
                "https://news.example/b/",
                "Only updated",
                "2024-07-04T22:00:00Z",
                "2024-07-04T22:00:00Z",
                news=True,
            ),
        ],
    ),
    (
        "rss1 with dc:date",
        RSS1,
        [
            Link(
                "https://news.example/c/",
                "RDF item",
                "2024-07-05T10:00:00+02:00",
                "2024-07-05T10:00:00+02:00",
                news=True,
            )
        ],
    ),
]


@pytest.mark.parametrize(("case", "data", "expected"), READ, ids=[row[0] for row in READ])
def test_entries_are_read_with_their_raw_dates(
    case: str, data: bytes, expected: list[Link]
) -> None:
    assert parse_feed(data, URL, max_bytes=LIMIT) == expected


def test_a_malformed_feed_is_read_leniently() -> None:
    links = parse_feed(MALFORMED, URL, max_bytes=LIMIT)
    assert [(link.url, link.title, link.published_raw) for link in links] == [
        ("https://news.example/d/", "Salt & pepper", "Thu, 04 Jul 2024 18:00:00 GMT")
    ]


REFUSED = [
    ("billion laughs", BILLION_LAUGHS, "entities"),
    ("external entity (XXE)", XXE_FEED, "entities"),
    ("quadratic blow-up", QUADRATIC, "entities"),
    ("malformed, declaring entities", MALFORMED_WITH_ENTITIES, "entities"),
    ("an HTML page", b"<html><body><p>Not a feed</p></body></html>", "not_a_feed"),
    ("binary junk", b"\x00\x01\x02garbage", "malformed"),
    ("too large", RSS2 + b" " * LIMIT, "too_large"),
]


@pytest.mark.parametrize(("case", "data", "reason"), REFUSED, ids=[row[0] for row in REFUSED])
def test_attacks_and_non_feeds_are_refused_with_a_reason(
    case: str, data: bytes, reason: str
) -> None:
    with pytest.raises(Refused) as refused:
        parse_feed(data, URL, max_bytes=LIMIT)
    assert refused.value.reason == reason


def test_a_netscape_doctype_without_entities_is_accepted() -> None:
    data = RSS2.replace(
        b"<rss",
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss',
        1,
    )
    assert [link.url for link in parse_feed(data, URL, max_bytes=LIMIT)] == [
        "https://news.example/a/"
    ]


def test_a_link_becomes_a_feed_teaser() -> None:
    entry = parse_feed(RSS2, URL, max_bytes=LIMIT)[0].entry("feed")
    assert (entry.source, entry.title, entry.published_raw) == (
        "feed",
        "Council approves & funds bridge",
        "Fri, 05 Jul 2024 07:31:00 -0400",
    )
