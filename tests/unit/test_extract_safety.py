"""The body safety net's parts: when a body is judged weak, and which body is kept."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from aggregator.demo.site import NewsSite
from aggregator.extract import extract_article_html, safety
from aggregator.extract.safety import Evidence, choose, gather, settle, weakness
from tests.fixtures.fallback_site import form_page

ARTICLE = Evidence(paragraph_chars=3000, longest_paragraph=600, declared=False)
DECLARED_SHORT = Evidence(paragraph_chars=150, longest_paragraph=60, declared=True)
TEASERS = Evidence(paragraph_chars=5000, longest_paragraph=120, declared=False)


@pytest.mark.parametrize(
    ("body", "evidence", "reason"),
    [
        (None, ARTICLE, "empty"),
        ("", DECLARED_SHORT, "empty"),  # article metadata alone makes it an article page
        ("A standfirst of a few words.", ARTICLE, "empty"),
        ("x" * 1000, ARTICLE, "short"),  # a third of the page's paragraphs
        ("x" * 1600, ARTICLE, None),
        ("x" * 3200, ARTICLE, None),
        ("x" * 3400, ARTICLE, "long"),  # more than all the page's paragraphs: furniture taken in
        ("x" * 4000, Evidence(900, 400, True), None),  # too little paragraph text to judge "long"
        (None, TEASERS, None),  # a teaser grid is not judged: no long block, no metadata
        ("x" * 300, TEASERS, None),
    ],
)
def test_weakness(body: str | None, evidence: Evidence, reason: str | None) -> None:
    assert weakness(body, evidence) == reason


@pytest.mark.parametrize(
    ("primary", "fallback", "evidence", "wins"),
    [
        ("x" * 1000, None, ARTICLE, False),
        ("x" * 1000, "y" * 150, ARTICLE, False),  # a few words are no body
        (None, "y" * 150, ARTICLE, False),
        (None, "y" * 900, ARTICLE, True),
        ("x" * 1000, "y" * 2800, ARTICLE, True),  # closer to the 3000 characters of paragraphs
        ("x" * 9000, "y" * 2500, ARTICLE, True),
        ("x" * 2500, "y" * 9000, ARTICLE, False),
        ("x" * 1500, "y" * 6000, ARTICLE, False),  # half and twice as long: a tie keeps the primary
        ("x" * 300, "y" * 2000, Evidence(0, 0, True), False),  # nothing to compare with
    ],
)
def test_choose_keeps_the_body_closer_to_the_paragraph_text(
    primary: str | None, fallback: str | None, evidence: Evidence, wins: bool
) -> None:
    assert choose(primary, fallback, evidence) is wins


def test_gather_measures_every_paragraph_of_the_page() -> None:
    root = fromstring(
        "<html><body><p>  one   two </p><div><aside><p>three</p></aside></div>"
        "<form><p>" + "word " * 80 + "</p></form></body></html>"
    )
    evidence = gather(root, declared=False)
    assert evidence.paragraph_chars == len("one two") + len("three") + len("word " * 80) - 1
    assert evidence.longest_paragraph == len("word " * 80) - 1
    assert evidence.looks_like_article


def test_settle_keeps_a_sound_body_without_running_the_second_strategy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(html: str, url: str) -> str:
        raise AssertionError("the second strategy ran on a sound body")

    monkeypatch.setattr(safety, "second_body", fail)
    outcome = settle("x" * 2900, "text", ARTICLE, lambda: "<html></html>", "http://127.0.0.1/a")
    assert (outcome.layer, outcome.reason) == ("text", None)


def test_settle_reports_the_reason_also_when_the_primary_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(safety, "second_body", lambda html, url: None)
    outcome = settle("x" * 1000, "text", ARTICLE, lambda: "<html></html>", "http://127.0.0.1/a")
    assert (outcome.body, outcome.layer, outcome.reason) == ("x" * 1000, "text", "short")
    outcome = settle(None, None, ARTICLE, lambda: "<html></html>", "http://127.0.0.1/a")
    assert (outcome.body, outcome.layer, outcome.reason) == (None, None, "empty")


def test_a_failing_second_strategy_leaves_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("parser bug")

    monkeypatch.setattr(trafilatura, "extract", broken)
    assert safety.second_body("<html><body><p>text</p></body></html>", "http://x.test/") is None


def test_an_article_in_a_form_is_recovered_and_says_so() -> None:
    site = NewsSite()
    article = site.articles[3]
    item = extract_article_html(form_page(article), "http://127.0.0.1:8000" + article.path)
    assert item is not None
    assert item.sources["body"] == "trafilatura" and item.sources["body_fallback"] == "empty"
    assert item.body is not None and item.body.split("\n\n") == article.paragraphs
    assert item.title == article.title


def test_site_selectors_are_trusted_and_not_judged() -> None:
    page = form_page(NewsSite().articles[3])
    item = extract_article_html(page, "http://127.0.0.1:8000/a/", selectors={"body": "div.content"})
    assert item is not None
    assert item.sources["body"] == "selectors" and "body_fallback" not in item.sources
    assert item.body is not None and item.body.startswith(NewsSite().articles[3].paragraphs[0])
