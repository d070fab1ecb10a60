"""Strong article evidence overrides a URL or text "not an article" verdict, on small pages.

An article at a listing-looking URL is kept; a real listing (teaser cards, a
flat list of headlines and blurbs), a home page and a page whose body classes
say "archive" are still refused, however much blurb text they carry.
"""

from __future__ import annotations

import pytest

from aggregator.extract import extract_article_html, pagekind, safety, text
from aggregator.extract.document import parse_html

SENTENCE = (
    "The council met on Tuesday evening to discuss the new ferry timetable, "
    "and residents filled the hall to hear the harbour master explain the plan. "
)


def _paragraphs(count: int, sentences: int = 2) -> str:
    return "".join(f"<p>{SENTENCE * sentences}Part {i}.</p>" for i in range(count))


def _page(body: str, *, head: str = "", classes: str = "") -> str:
    return (
        f"<html><head><title>Page</title>{head}</head>"
        f'<body class="{classes}"><main>{body}</main></body></html>'
    )


ARTICLE = _page(f"<h1>Ferry timetable agreed</h1><div class='content'>{_paragraphs(8)}</div>")
CARDS = _page(
    "<h1>Harbour</h1>"
    + "".join(
        f"<div class='card'><h2><a href='/story-{i}-about-ferries'>Story {i}</a></h2>"
        f"<p>{SENTENCE * 2}</p></div>"
        for i in range(15)
    )
)
FLAT = _page(
    "<h1>Harbour</h1><div class='list'>"
    + "".join(
        f"<h3><a href='/story-{i}-about-ferries'>Story {i}</a></h3><p>{SENTENCE * 2}</p>"
        for i in range(15)
    )
    + "</div>"
)
LINKED_BLURBS = _page(
    "<h1>Harbour</h1><div class='list'>"
    + "".join(f"<p><a href='/story-{i}-about-ferries'>{SENTENCE * 2}</a></p>" for i in range(15))
    + "</div>"
)
SHORT_ABOUT = _page("<h1>About us</h1><div>" + _paragraphs(2, 1) + "</div>")
LONG_ABOUT = _page("<h1>About us</h1><div>" + _paragraphs(8) + "</div>")
OG_ARTICLE = '<meta property="og:type" content="article">'


def _evidence(html: str, declared: bool = False) -> safety.Evidence:
    root = parse_html(html)
    assert root is not None
    return safety.gather(root, declared)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/themen/politik/12345-ferry-timetable-agreed.html",
        "https://news.example/category/harbour/ferry-timetable-agreed",
        "https://news.example/section/local",
    ],
)
def test_an_article_at_a_listing_url_is_kept(url: str) -> None:
    assert pagekind.url_kind(url) == "listing"
    item = extract_article_html(ARTICLE, url)
    assert item is not None
    assert item.body is not None and item.body.count("Part ") == 8


@pytest.mark.parametrize("page", [CARDS, FLAT, LINKED_BLURBS], ids=["cards", "flat", "linked"])
@pytest.mark.parametrize(
    "url", ["https://news.example/category/harbour/", "https://news.example/harbour-news"]
)
def test_a_real_listing_is_still_refused(page: str, url: str) -> None:
    evidence = _evidence(page)
    assert evidence.paragraph_chars > 3000  # plenty of blurb text ...
    assert evidence.run_chars < pagekind.DECLARED_RUN  # ... but no run of prose
    assert extract_article_html(page, url) is None


def test_a_run_is_the_prose_of_one_container() -> None:
    assert _evidence(ARTICLE).run_chars == sum(map(len, text.main_text(parse_html(ARTICLE))))


def test_home_pages_and_declared_listings_stay_refused() -> None:
    assert extract_article_html(ARTICLE, "https://news.example/") is None
    archive = ARTICLE.replace('class=""', 'class="archive category"')
    assert extract_article_html(archive, "https://news.example/harbour/ferry-agreed") is None


def test_a_static_url_needs_article_metadata() -> None:
    url = "https://news.example/about-us/"
    assert extract_article_html(SHORT_ABOUT, url) is None
    assert extract_article_html(LONG_ABOUT, url) is None  # a long "about us" is no news
    declared = LONG_ABOUT.replace("</head>", OG_ARTICLE + "</head>")
    item = extract_article_html(declared, url)
    assert item is not None and item.body is not None


@pytest.mark.parametrize(
    ("run", "declared", "kind", "strong"),
    [
        (1199, False, "listing", False),
        (1200, False, "listing", True),
        (1200, False, None, True),
        (499, True, "listing", False),
        (500, True, "listing", True),
        (5000, False, "static", False),
        (500, True, "static", True),
    ],
)
def test_strong_evidence_thresholds(run: int, declared: bool, kind: str, strong: bool) -> None:
    evidence = safety.Evidence(run, run, declared, run)
    assert pagekind.strong_evidence(evidence, kind) is strong


def test_many_headline_links_give_way_to_a_long_run() -> None:
    """An article page with a big "more stories" block (the teaser rule alone says listing)."""
    more = "".join(
        f"<h3><a href='/other-story-{i}-here'>Other story {i}</a></h3>" for i in range(14)
    )
    page = _page(
        f"<h1>Ferry timetable agreed</h1><div class='content'>{_paragraphs(5)}</div>"
        f"<div class='more'>{more}</div>"
    )
    url = "https://news.example/ferry-timetable-agreed"
    root = parse_html(page)
    assert root is not None and pagekind.teaser_count(root) >= 12
    item = extract_article_html(page, url)
    assert item is not None and item.body is not None and item.body.count("Part ") == 5


def test_a_story_list_is_no_part_of_the_body_or_the_paragraph_estimate() -> None:
    related = "".join(
        f"<article><h2>Older post {i}</h2>{_paragraphs(3)}</article>" for i in range(4)
    )
    page = _page(
        f"<article><h1>Ferry timetable agreed</h1>{_paragraphs(4)}</article>"
        f"<article class='related'><h3>You may also like</h3>{related}</article>"
    )
    evidence = _evidence(page)
    main_only = _evidence(_page(f"<article><h1>Ferry</h1>{_paragraphs(4)}</article>"))
    assert evidence.paragraph_chars == main_only.paragraph_chars
    item = extract_article_html(page, "https://news.example/ferry-timetable-agreed")
    assert item is not None and item.body is not None
    assert item.body.count("Part ") == 4 and "Older post" not in item.body
