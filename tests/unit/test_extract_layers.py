"""Table-driven tests of the extraction layers, one row per form met in the wild."""

from __future__ import annotations

import pytest

from aggregator.extract import boilerplate, clean, datefind, jsonld, pagekind
from aggregator.extract import title as titles
from aggregator.extract.document import parse_html


@pytest.mark.parametrize(
    ("block", "types"),
    [
        ('{"@type": "NewsArticle"}', [{"newsarticle"}]),
        ('[{"@type": "Organization"}, {"@type": "BlogPosting"}]',
         [{"organization"}, {"blogposting"}]),
        ('{"@graph": [{"@type": "WebPage"}, {"@type": ["Article", "NewsArticle"]}]}',
         [{"webpage"}, {"article", "newsarticle"}]),
        ('{"@type": "NewsArticle",}', [{"newsarticle"}]),  # trailing comma
        ('<!--\n{"@type": "Article"}\n-->', [{"article"}]),  # HTML comment wrapper
        ('{"@type": "Article"}{"@type": "Person"}', [{"article"}, {"person"}]),  # two objects
        ('{"@type": "Article", "headline": "a\nb"}', [{"article"}]),  # raw newline in string
        ('{"@type": "http://schema.org/NewsArticle"}', [{"newsarticle"}]),
        ('{"@type": "ItemList", "itemListElement": '
         '[{"@type": "ListItem", "item": {"@type": "NewsArticle"}}]}',
         [{"itemlist"}, {"listitem"}, {"newsarticle"}]),
        ("not json at all", []),
    ],
)  # fmt: skip
def test_json_ld_blocks(block: str, types: list[set[str]]) -> None:
    root = parse_html(
        f'<html><head><script type="application/ld+json">{block}</script></head></html>'
    )
    assert root is not None
    assert [jsonld.node_types(n) for n in jsonld.read_nodes(root)] == types


def test_article_node_matching_the_page_wins_over_listed_teasers() -> None:
    nodes = [
        {"@type": "NewsArticle", "headline": "Other", "url": "https://a.example/other"},
        {"@type": "NewsArticle", "headline": "Mine", "url": "https://a.example/mine/"},
    ]
    picked = jsonld.pick_article(nodes, {"https://a.example/mine"})
    assert picked is not None and picked["headline"] == "Mine"
    assert jsonld.describes_page(picked, nodes, {"https://a.example/mine"})
    many = [dict(n, url=f"https://a.example/{i}") for i, n in enumerate(nodes * 2)]
    assert not jsonld.describes_page(many[0], many, {"https://a.example/list"})


def test_article_fields_flatten_values() -> None:
    fields = jsonld.article_fields(
        {
            "headline": ["Main", "Alt"],
            "author": [{"@type": "Person", "name": "A. One"}, "B. Two", {"name": ["C. Three"]}],
            "image": [{"@type": "ImageObject", "url": "https://i.example/1.jpg"}],
            "keywords": "x, y ,, z",
            "articleSection": ["Politics", "World"],
            "inLanguage": {"@type": "Language", "alternateName": "es"},
        }
    )
    assert fields["title"] == "Main"
    assert fields["authors"] == ["A. One", "B. Two", "C. Three"]
    assert fields["image"] == "https://i.example/1.jpg"
    assert fields["tags"] == ["x", "y", "z"]
    assert fields["category"] == "Politics"
    assert fields["language"] == "es"


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Ferry fares frozen | Tidewater Post", "Tidewater Post", "Ferry fares frozen"),
        ("Tidewater Post - Ferry fares frozen", "Tidewater Post", "Ferry fares frozen"),
        ("Ferry fares frozen \u2013 tidewater.example", None, "Ferry fares frozen"),
        ("Rust - what it is and why - explained", None, "Rust - what it is and why - explained"),
        ("Ferry fares frozen | Transport | Tidewater Post", "Tidewater Post",
         "Ferry fares frozen | Transport"),
        ("Plain headline", "Tidewater Post", "Plain headline"),
    ],
)  # fmt: skip
def test_strip_site(title: str, site: str | None, expected: str) -> None:
    assert titles.strip_site(title, "https://www.tidewater.example/x", site) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe"], ["Jane Doe"]),
        (["Admin"], []),
        (["by"], []),
        (["https://site.example/author/jd"], []),
        (["Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Anna Schmidt und Max Muster"], ["Anna Schmidt", "Max Muster"]),
        (["Jane Doe, John Roe; Ana Ruiz"], ["Jane Doe", "John Roe", "Ana Ruiz"]),
        (["Jane Doe", "jane  doe"], ["Jane Doe"]),
        (["Tidewater Post"], []),
        (["Von Anna Schmidt"], ["Anna Schmidt"]),
        (["dpa"], ["dpa"]),
    ],
)
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean.clean_authors(raw, "Tidewater Post") == expected


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        ([("May 1, 2024", "jsonld"), ("2024-05-01T10:00:00Z", "meta")], 1),
        ([("2024-05-01", "jsonld"), ("2024-05-01T10:00:00Z", "meta")], 1),
        ([(None, "jsonld"), ("yesterday", "text")], 1),
        ([("2024-05-01T10:00Z", "jsonld"), ("2024-05-02T10:00Z", "meta")], 0),
        ([(None, "jsonld"), ("  ", "meta")], None),
    ],
)
def test_choose_date_prefers_machine_readable(
    candidates: list[tuple[str | None, str]], expected: int | None
) -> None:
    assert clean.choose_date(candidates) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/politics/2024/09/16/story-slug/", "2024-09-16"),
        ("https://a.example/2024/9/6/story", "2024-09-06"),
        ("https://a.example/news/20240916/story", "2024-09-16"),
        ("https://a.example/2025-06-23-we-love-romance/", "2025-06-23"),
        ("https://a.example/story-12345678", None),
        ("https://a.example/2024/13/40/bad", None),
    ],
)
def test_url_date(url: str, expected: str | None) -> None:
    assert datefind.url_date(url) == expected


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://a.example/", "home"),
        ("https://a.example/en/", "home"),
        ("https://a.example/category/news/", "listing"),
        ("https://a.example/tag/ferries/", "listing"),
        ("https://a.example/author/jdoe/", "listing"),
        ("https://a.example/?s=ferry", "listing"),
        ("https://a.example/news/page/2/", "listing"),
        ("https://a.example/about/", "static"),
        ("https://a.example/impressum", "static"),
        ("https://a.example/2024/07/05/night-ferry-trial/", None),
        ("https://a.example/?p=959", None),
    ],
)
def test_url_kind(url: str, kind: str | None) -> None:
    assert pagekind.url_kind(url) == kind


@pytest.mark.parametrize(
    ("text", "junk"),
    [
        ("Source link", True),
        ("Read more", True),
        ("Share this article", True),
        ("(TagstoTranslate)Nicolas Maduro(T)Sergei Lavrov", True),
        ("Published on 30/04/2024 - 16:38", True),
        ("By Jane Doe", True),
        ("Divers prepare to enter the sump. Photo: Ana Ruiz/AP", True),
        ("Fouzia van der Berg | Published 4 months ago", True),
        ("05 Gennaio 2025 Aggiornato alle 16:01 1 minuti di lettura", True),
        ("Sign up for our newsletter to get the week's best stories in your inbox.", True),
        ("Uwe Schubert will collect as many points as possible. IMAGO/Nico Herbertz", True),
        ("The council met on Tuesday.", False),
        ("Four months ago the council promised to publish the figures every month.", False),
        ("She left 5 minutes ago.", False),
        ("Gestern war es kalt.", False),
        ("Residents divided", False),
        ("Source: the council said it would publish the figures every month from now on.", False),
    ],
)
def test_junk_lines(text: str, junk: bool) -> None:
    assert boilerplate.is_junk_line(text) is junk


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("en-US", "en"),
        ("de_DE", "de"),
        ("PT-br", "pt"),
        ("english", None),
        ("", None),
        (None, None),
    ],
)
def test_language_code(value: str | None, code: str | None) -> None:
    assert clean.language_code(value) == code


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>Title</h1><p>02.02.2022 10:16 Uhr - Bundesliga</p>", "02.02.2022 10:16"),
        ("<p class='kicker'>3. März 2024</p><h1>Title</h1><p>Text</p>", "3. März 2024"),
        ("<h1>Title</h1><span>Jan 18, 2019</span>", "Jan 18, 2019"),
        ("<h1>Title</h1><p>2021年5月14日 16時40分</p>", "2021年5月14日 16時40分"),
        ("<h1>Title</h1><p>No date here at all</p>", None),
    ],
)
def test_text_date_near_headline(html: str, expected: str | None) -> None:
    root = parse_html(f"<html><body>{html}</body></html>")
    assert root is not None
    assert datefind.text_date(root) == expected
