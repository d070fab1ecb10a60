"""Bad HTML never raises: extraction returns None or a partial item."""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.extract import extract_article_html, extract_listing_html
from aggregator.items import ArticleItem

URL = "https://news.example/2024/05/01/some-story-about-things"
PROSE = " ".join(["The council met on Tuesday and agreed on the new budget for the year."] * 6)
ARTICLE = f"""<html lang="en"><head><title>Budget agreed | News</title>
<meta property="og:title" content="Budget agreed"></head>
<body><article><h1>Budget agreed</h1><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"""


def _jsonld(block: str) -> str:
    return ARTICLE.replace("</head>", f'<script type="application/ld+json">{block}</script></head>')


def test_empty_and_whitespace() -> None:
    for html in ("", b"", "   \n\t", b"\x00\x00", "<html></html>", "<!-- only a comment -->"):
        assert extract_article_html(html, URL) is None


def test_binary_garbage() -> None:
    noise = bytes(range(256)) * 40
    assert extract_article_html(noise, URL) is None
    assert extract_listing_html(noise, URL).entries == []


def test_truncated_page_gives_partial_item() -> None:
    item = extract_article_html(ARTICLE[: ARTICLE.index("</p>") - 10], URL)
    assert isinstance(item, ArticleItem)
    assert item.title == "Budget agreed"
    assert item.body and item.body.startswith("The council met on Tuesday")


def test_wrong_declared_charset_is_overridden_by_caller() -> None:
    html = ARTICLE.replace("<head>", '<head><meta charset="iso-8859-15">') + "<p>Zürich café</p>"
    item = extract_article_html(html.encode("utf-8"), URL, encoding="utf-8")
    assert item is not None and "Ã" not in (item.body or "")


def test_missing_charset_uses_bom_or_declaration() -> None:
    latin = ARTICLE.replace("Budget agreed", "Budget für Köln").replace(
        "<head>", '<head><meta charset="iso-8859-1">'
    )
    item = extract_article_html(latin.encode("latin-1"), URL)
    assert item is not None and item.title == "Budget für Köln"
    bom = b"\xef\xbb\xbf" + ARTICLE.replace("Budget agreed", "Café budget").encode("utf-8")
    assert (extract_article_html(bom, URL) or ArticleItem(URL)).title == "Café budget"


def test_unknown_encoding_name_does_not_raise() -> None:
    assert extract_article_html(ARTICLE.encode(), URL, encoding="x-no-such-charset") is not None


def test_five_megabytes_of_nested_divs_is_fast() -> None:
    html = "<html><body>" + "<div>" * 500_000 + "deep" + "</div>" * 500_000 + "</body></html>"
    assert len(html) > 5_000_000
    started = time.perf_counter()
    assert extract_article_html(html, URL) is None
    extract_listing_html(html, URL)
    assert time.perf_counter() - started < 20


def test_malformed_json_ld_falls_back_to_other_layers() -> None:
    for block in ("{", '{"@type": "NewsArticle", "headline": ', "[1, 2", "null", '"text"', "{]}"):
        item = extract_article_html(_jsonld(block), URL)
        assert item is not None and item.title == "Budget agreed", block


def test_lenient_json_ld_still_read() -> None:
    block = (
        '<!-- {"@type": "NewsArticle", "headline": "Lenient",\n "datePublished": "2024-05-01",} -->'
    )
    item = extract_article_html(_jsonld(block), URL)
    assert item is not None and item.published_raw == "2024-05-01"


def test_huge_and_deep_json_ld() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    huge = json.dumps({"@type": "NewsArticle", "articleBody": "x" * 3_000_000})
    many = json.dumps([{"@type": "Thing", "name": str(i)} for i in range(50_000)])
    for block in (deep, huge, many):
        item = extract_article_html(_jsonld(block), URL)
        assert item is not None and item.title == "Budget agreed"


def test_odd_json_ld_values() -> None:
    node = {
        "@type": "NewsArticle",
        "headline": ["First", "Second"],
        "author": [None, 3, {"name": None}, {"@type": "Person", "name": "Ana Ruiz"}],
        "image": {"url": ["https://img.example/a.jpg"]},
        "datePublished": {"@value": 5},
        "keywords": None,
    }
    item = extract_article_html(_jsonld(json.dumps(node)), URL)
    assert item is not None
    assert item.authors == ["Ana Ruiz"]
    assert item.image_url == "https://img.example/a.jpg"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=4000), st.text(max_size=4000)))
def test_fuzz_arbitrary_input(html: bytes | str) -> None:
    item = extract_article_html(html, URL)
    assert item is None or isinstance(item, ArticleItem)
    assert isinstance(extract_listing_html(html, URL).entries, list)


TAGS = st.sampled_from(["div", "p", "article", "a", "h1", "h2", "time", "script", "li", "br"])


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(
                TAGS.map(lambda t: f"<{t}>"),
                TAGS.map(lambda t: f"</{t}>"),
                st.text(max_size=80),
                st.just('<script type="application/ld+json">{"@type":"Article","headline":'),
                st.just('<meta property="og:title" content="T">'),
            ),
            max_size=60,
        )
    )
    return "<html><body>" + "".join(parts)


@settings(max_examples=200, deadline=None)
@given(tag_soup())
def test_fuzz_tag_soup(html: str) -> None:
    item = extract_article_html(html, URL, selectors={"title": "h1", "body": "//p"})
    assert item is None or isinstance(item, ArticleItem)


def test_forty_thousand_teasers_stay_linear() -> None:
    items = "".join(
        f'<li><h3><a href="/news/story-number-{i}-here">Headline number {i} is here</a></h3>'
        f"<p>teaser text {i}</p></li>"
        for i in range(20_000)
    )
    html = f"<html><body><ul>{items}</ul></body></html>"
    started = time.perf_counter()
    assert extract_article_html(html, URL) is None
    assert len(extract_listing_html(html, URL).entries) == 20_000
    assert time.perf_counter() - started < 30


def test_an_unknown_css_pseudo_element_in_a_selector_is_a_warning_not_a_crash() -> None:
    html = "<html><body><article><h1>Title</h1><p>" + "Text. " * 80 + "</p></article></body></html>"
    item = extract_article_html(
        html, "https://a.example/2024/07/05/story/", selectors={"title": "h1::foo"}
    )
    assert item is not None and item.title == "Title"
