"""Headline choice (aggregator/extract/title.py) on small synthetic pages.

Each test isolates one mechanism: candidates compared with each other, never
word lists of kickers or site names.
"""

from __future__ import annotations

import pytest

from aggregator.extract import extract_article_html
from aggregator.extract.title import choose_title, strip_site, tidy

URL = "https://www.tidewater.example/news/2024/ferry"


def page(head: str, body: str) -> str:
    text = "<p>" + "Ferry services resumed on the northern route after repairs. " * 12 + "</p>"
    return f"<html><head>{head}</head><body>{body}<article>{text}</article></body></html>"


def title_of(head: str, body: str) -> str | None:
    item = extract_article_html(page(head, body), URL)
    assert item is not None
    return item.title


def test_kicker_in_h1_dropped_when_og_title_shows_the_headline_alone() -> None:
    head = '<meta property="og:title" content="Ferry fares frozen for another year">'
    body = "<h1><span>Local News</span> | Ferry fares frozen for another year</h1>"
    assert title_of(head, body) == "Ferry fares frozen for another year"


def test_kicker_glued_to_h1_without_separator() -> None:
    head = '<meta property="og:title" content="Ferry fares frozen for another year">'
    body = "<h1><small>Transport</small> Ferry fares frozen for another year</h1>"
    assert title_of(head, body) == "Ferry fares frozen for another year"


def test_visible_h1_beats_an_seo_og_title_that_shares_its_words() -> None:
    head = (
        '<meta property="og:title" content="Ferry fares 2024: prices, tickets, discounts">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Ferry fares 2024: prices, tickets, discounts"}</script>'
        "<title>Ferry fares 2024: prices, tickets, discounts</title>"
    )
    body = "<h1>Ferry fares frozen as the council backs down</h1>"
    assert title_of(head, body) == "Ferry fares frozen as the council backs down"


def test_unrelated_h1_is_not_the_headline() -> None:
    head = '<meta property="og:title" content="Ferry fares frozen for another year">'
    body = "<h1>Detail view</h1>"
    assert title_of(head, body) == "Ferry fares frozen for another year"


def test_logo_h1_that_is_a_part_of_title_is_skipped() -> None:
    head = "<title>Ferry fares frozen : Tidewater Archive | Since 1901 | Volume 6</title>"
    body = "<h1>Tidewater Archive</h1>"
    assert title_of(head, body) == "Ferry fares frozen"


def test_section_h1_loses_to_the_h1_that_a_metadata_title_repeats() -> None:
    head = '<meta property="og:title" content="Ferry fares frozen"><title>News - Tidewater</title>'
    body = "<h1>News</h1><h1>Ferry fares frozen</h1>"
    assert title_of(head, body) == "Ferry fares frozen"


def test_headline_with_inner_quotation_marks_is_not_cut() -> None:
    head = "<title>«Wir waren fast 40 Tage in Quarantäne» - Tidewater Post</title>"
    body = "<h1>«Wir waren fast 40 Tage in Quarantäne»</h1>"
    assert title_of(head, body) == "«Wir waren fast 40 Tage in Quarantäne»"
    assert tidy("Kicker - «Headline here» -") == "Kicker - «Headline here»"


def test_title_given_when_only_title_element_exists() -> None:
    assert title_of("<title>Ferry fares frozen | Tidewater Post</title>", "") == (
        "Ferry fares frozen"
    )


def test_site_name_found_by_comparing_og_title_with_json_ld() -> None:
    title, layer = choose_title(
        [("Ferry fares frozen", "jsonld"), ("Ferry fares frozen - 潮水日报", "meta")],
        ["潮水 日报"],
        "Ferry fares frozen - 潮水日报",
        URL,
        None,
    )
    assert (title, layer) == ("Ferry fares frozen", "jsonld")


def test_soft_hyphens_and_composed_characters_are_normalised() -> None:
    assert tidy("Mes\u00adsen\u00adger\u00addienste") == "Messengerdienste"
    assert tidy("e\u0301te\u0301") == "\u00e9t\u00e9"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Skibergsteigen: Neuheiten | Bergsteigen.com", "Skibergsteigen: Neuheiten"),
        ("Alles Neue mach der Mai | Bibliothek 2.0 und mehr", "Alles Neue mach der Mai"),
    ],
)
def test_site_part_recognised_from_the_host(title: str, expected: str) -> None:
    url = "https://www.bergsteigen.com/x" if "Berg" in title else "http://bibliothek2null.de/x"
    assert strip_site(title, url, None) == expected


def test_metadata_spelling_of_a_heading_with_a_glued_kicker_wins() -> None:
    title, layer = choose_title(
        [
            ("Harbour strike / Dockers walk out at dawn", "meta"),
            ("Dockers walk out at dawn", "jsonld"),
        ],
        ["Harbour strikeDockers walk out at dawn"],
        None,
        URL,
        None,
    )
    assert (title, layer) == ("Harbour strike / Dockers walk out at dawn", "meta")


def test_kicker_dropped_when_no_metadata_spells_it() -> None:
    title, _ = choose_title(
        [("Dockers walk out at dawn", "jsonld")],
        ["Harbour strikeDockers walk out at dawn"],
        None,
        URL,
        None,
    )
    assert title == "Dockers walk out at dawn"


def test_suffix_glued_without_spaces_is_cut_when_another_candidate_lacks_it() -> None:
    title, _ = choose_title(
        [("渡轮票价冻结到明年夏天-本地ㅣ潮水日报", "meta"), ("渡轮票价冻结到明年夏天", "meta")],
        [],
        "渡轮票价冻结到明年夏天-本地ㅣ潮水日报",
        URL,
        None,
    )
    assert title == "渡轮票价冻结到明年夏天"


def test_second_rank_heading_used_only_when_metadata_confirms_it() -> None:
    meta = [('"Frozen": ferry fares stay until next summer', "meta")]
    shown = "\u201eFrozen\u201c: ferry fares stay until next summer"
    assert choose_title(meta, [], None, URL, None, lambda: [shown]) == (shown, "meta")
    teaser = choose_title(meta, [], None, URL, None, lambda: ["Read more from the harbour desk"])
    assert teaser == ('"Frozen": ferry fares stay until next summer', "meta")
