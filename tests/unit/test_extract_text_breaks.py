"""Where a "Related"-type header ends the article (aggregator/extract/text.py `_cut_at_break`).

A header such as "Auch interessant" or "Related stories" with teasers after it
and no more article prose ends the body; the same header on a box between two
of the article's paragraphs removes only the box.
"""

from __future__ import annotations

from lxml import html

from aggregator.extract.text import main_text as text_of_tree

SENTENCE = "The harbour board voted on the new ferry timetable after a long debate. "


def page(*parts: str) -> str:
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def para(n: int) -> str:
    return f"<p>Paragraph {n}. " + SENTENCE * 4 + "</p>"


BOX = "<h4>Auch interessant</h4><div><a href='/other'>Opinion: the ferry fares debate</a></div>"
TEASERS = "<h3>Related stories</h3>" + "".join(
    f"<div><a href='/s{n}'>Another story headline number {n}</a></div>" for n in range(4)
)


def test_box_between_paragraphs_goes_and_the_article_goes_on() -> None:
    paragraphs = main_text(page(para(1), para(2), para(3), BOX, para(4), para(5), para(6)))
    assert [p.split(".")[0] for p in paragraphs] == [f"Paragraph {n}" for n in range(1, 7)]
    assert not any("Auch interessant" in p or "Opinion" in p for p in paragraphs)


def test_header_with_only_teasers_after_it_ends_the_article() -> None:
    paragraphs = main_text(page(para(1), para(2), para(3), TEASERS))
    assert [p.split(".")[0] for p in paragraphs] == ["Paragraph 1", "Paragraph 2", "Paragraph 3"]


def test_a_teaser_blurb_after_the_header_is_not_the_article_resuming() -> None:
    # Under 200 characters: a teaser's blurb, not a paragraph of the article.
    blurb = "<p>" + SENTENCE * 2 + "</p>"
    paragraphs = main_text(page(para(1), para(2), para(3), BOX, blurb))
    assert [p.split(".")[0] for p in paragraphs] == ["Paragraph 1", "Paragraph 2", "Paragraph 3"]


def test_one_paragraph_after_the_box_is_the_article_going_on() -> None:
    paragraphs = main_text(page(para(1), para(2), para(3), BOX, para(4)))
    assert [p.split(".")[0] for p in paragraphs] == [f"Paragraph {n}" for n in range(1, 5)]


def main_text(markup: str) -> list[str]:
    return text_of_tree(html.document_fromstring(markup))
