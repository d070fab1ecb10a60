"""Authors: where they are found and which strings are not people."""

from __future__ import annotations

import pytest

from aggregator.extract import extract_article_html
from aggregator.extract.clean import clean_authors

PROSE = "<p>" + "The council voted on the ferry budget after a long debate. " * 12 + "</p>"
URL = "https://www.tidewater.example/news/ferry"


def authors_of(head: str, body: str) -> list[str]:
    html = f"<html><head>{head}</head><body><h1>Ferry budget passes</h1>{body}{PROSE}</body></html>"
    item = extract_article_html(html, URL)
    assert item is not None
    return item.authors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["Erstellt von Andri Bryner"], ["Andri Bryner"]),
        (["Posted on September 21, 2020 by Adi Tzlil"], ["Adi Tzlil"]),
        (["Capital Von Jemima Kelly"], ["Jemima Kelly"]),
        (["Ursula von der Leyen"], ["Ursula von der Leyen"]),
        (["lupa am 26/10/13", "03:48 pm"], ["lupa"]),
        (["105092"], []),
        (["Trine Juncher Jørgensen og Tôrtia Reimer-Johansen"],
         ["Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen"]),
        (["unocero - Alberto Ávila"], ["unocero", "Alberto Ávila"]),
        (["Jean-Pierre Dupont"], ["Jean-Pierre Dupont"]),
        (["Heiko Sauer", "SHOW ALL ARTICLES OFHeiko Sauer"], ["Heiko Sauer"]),
        (["Wer schreibt für uns?"], []),
        (["Staff"], []),
        (["Marianne1"], ["Marianne1"]),
    ],
)  # fmt: skip
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected


def test_site_name_dropped_beside_a_person_but_kept_alone() -> None:
    assert clean_authors(["Tidewater Post", "Jane Doe"], "Tidewater Post") == ["Jane Doe"]
    assert clean_authors(["Tidewater Post"], "Tidewater Post") == []
    assert clean_authors(["Tidewater Post"], "Tidewater Post", keep_site=True) == ["Tidewater Post"]


def test_layer_naming_only_the_site_does_not_hide_the_meta_author() -> None:
    head = (
        '<meta property="og:site_name" content="Tidewater Post">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry budget'
        ' passes", "author": {"@type": "Organization", "name": "Tidewater Post"}}</script>'
        '<meta name="author" content="Jane Doe">'
    )
    assert authors_of(head, "") == ["Jane Doe"]


def test_blog_signed_by_its_own_name_keeps_it() -> None:
    head = (
        '<meta property="og:site_name" content="Jane Doe"><meta name="author" content="Jane Doe">'
    )
    assert authors_of(head, "") == ["Jane Doe"]


def test_every_author_meta_value_is_a_coauthor() -> None:
    head = '<meta name="author" content="Jane Doe"><meta name="author" content="John Roe">'
    assert authors_of(head, "") == ["Jane Doe", "John Roe"]


def test_link_to_an_author_page() -> None:
    body = '<div class="meta"><a href="/autoren/jane-doe/">Jane Doe</a></div>'
    assert authors_of("", body) == ["Jane Doe"]


def test_rel_author_under_a_body_class_that_mentions_a_sidebar() -> None:
    html = (
        '<html><body class="page-with-sidebar"><div class="layout sidebar-right">'
        '<h1>Ferry budget passes</h1><span class="author"><a rel="author" href="/a/jd">'
        f"Jane Doe</a></span>{PROSE}</div></body></html>"
    )
    item = extract_article_html(html, URL)
    assert item is not None
    assert item.authors == ["Jane Doe"]


def test_author_in_a_real_sidebar_is_not_taken() -> None:
    body = '<div class="sidebar"><a rel="author" href="/a/x">Someone Else</a></div>'
    assert authors_of("", body) == []


def test_article_author_url_gives_way_to_a_named_meta() -> None:
    head = (
        '<meta property="article:author" content="https://www.facebook.com/janedoe">'
        '<meta name="parsely-author" content="Jane Doe">'
    )
    assert authors_of(head, "") == ["Jane Doe"]


def test_names_in_sibling_elements_are_separate_people() -> None:
    byline = (
        "<div class='article-byline'><span>Birgit Baumann</span>\n"
        "<span>Anna Giulia Fink</span> <span>Jan Michael Marchart</span></div>"
    )
    assert authors_of("", byline) == ["Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart"]


def test_a_label_or_a_date_among_the_elements_keeps_the_byline_whole() -> None:
    labelled = "<div class='author'><span>Von:</span> <span>Wolfgang Schmale</span></div>"
    assert authors_of("", labelled) == ["Wolfgang Schmale"]
    dated = "<div class='byline'><span>Jane Doe</span> <span>Published 10:02 AM Nov 19</span></div>"
    assert "Published 10:02 AM Nov 19" not in authors_of("", dated)
