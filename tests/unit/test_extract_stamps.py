"""Visible date stamps (aggregator/extract/stamps.py) and how they rank against other dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aggregator.dates import parse_date
from aggregator.extract import extract_article_html
from aggregator.extract.clean import choose_date
from aggregator.extract.document import parse_html
from aggregator.extract.stamps import find_stamps, local_form

NOW = datetime(2026, 12, 3, tzinfo=UTC)
PROSE = "<p>" + "The council voted on the ferry budget after a long debate. " * 12 + "</p>"


def stamps(html: str) -> dict[str, str]:
    root = parse_html(f"<html><body>{html}</body></html>")
    assert root is not None
    return {kind: stamp.raw for kind, stamp in find_stamps(root, NOW).items()}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<div class="meta">Published 10:30 AM EST, Tue November 24, 2026</div>',
            {"published": "Published 10:30 AM EST, Tue November 24, 2026"},
        ),
        (
            '<p class="byline">By Jane Doe | Updated 3:45 PM ET, Fri July 5, 2024</p>',
            {"modified": "Updated 3:45 PM ET, Fri July 5, 2024"},
        ),
        (
            "<div><span>Veröffentlicht am</span> <b>23. Februar 2020</b></div>",
            {"published": "Veröffentlicht am 23. Februar 2020"},
        ),
        (
            "<p>Publicado el 2 de abril de 2020 · Actualizado el 3 de abril de 2020</p>",
            {
                "published": "Publicado el 2 de abril de 2020",
                "modified": "Actualizado el 3 de abril de 2020",
            },
        ),
        ("<p>Publié le 3 mars 2021 à 10h20</p>", {"published": "Publié le 3 mars 2021 à 10h20"}),
        ("<p>Datum: 01.02.2022</p>", {"published": "Datum: 01.02.2022"}),
    ],
)  # fmt: skip
def test_labelled_stamps_are_found_and_parse(html: str, expected: dict[str, str]) -> None:
    found = stamps(html)
    assert found == expected
    for raw in found.values():
        assert parse_date(raw, now=NOW) is not None


def test_label_parse_date_does_not_know_keeps_only_the_date() -> None:
    # "Erschienen am" is not one of parse_date's labels: the raw value starts at the date.
    assert stamps("<p>Erschienen am: 01.11.2023</p>") == {"published": "01.11.2023"}


@pytest.mark.parametrize(
    "html",
    [
        "<aside><p>Published March 3, 2020</p></aside>",
        '<div class="related"><p>Posted on March 3, 2020</p></div>',
        '<ol class="comments"><li>Posted March 3, 2020 by a reader</li></ol>',
        "<footer><p>© Tidewater Post, published since 12 May 1901</p></footer>",
        "<ul><li><a href='/other'>Another ferry story with a long headline here</a>"
        " Published March 3, 2020</li></ul>",
        "<p>The word published appears in prose with no date at all.</p>",
        "<script>var published = '2020-03-03';</script>",
    ],
)
def test_dates_of_other_things_are_not_stamps(html: str) -> None:
    assert stamps(html) == {}


def article(
    meta: str, stamp: str, url: str = "https://t.example/news/ferry"
) -> tuple[str | None, str | None, str | None]:
    html = (
        f"<html><head>{meta}</head><body><h1>Ferry budget passes</h1>"
        f"<div class='meta'>{stamp}</div>{PROSE}</body></html>"
    )
    item = extract_article_html(html, url)
    assert item is not None
    return item.published_raw, item.modified_raw, item.sources.get("published_raw")


def test_stamp_with_time_beats_url_day_it_agrees_with() -> None:
    published, _, layer = article(
        "", "Published 10:30 AM EST, Tue November 24, 2026", "https://t.example/2026/11/24/ferry"
    )
    assert (published, layer) == ("Published 10:30 AM EST, Tue November 24, 2026", "stamp")


def test_url_day_kept_when_the_stamp_disagrees() -> None:
    published, _, layer = article(
        "", "Published 10:30 AM EST, Tue November 24, 2026", "https://t.example/2026/10/02/ferry"
    )
    assert (published, layer) == ("2026-10-02", "url")


def test_iso_datetime_in_metadata_outranks_the_stamp() -> None:
    meta = '<meta property="article:published_time" content="2026-11-24T15:30:00Z">'
    published, _, layer = article(meta, "Published 10:30 AM EST, Tue November 24, 2026")
    assert (published, layer) == ("2026-11-24T15:30:00Z", "meta")


def test_updated_stamp_goes_to_modified_and_published_wins() -> None:
    published, modified, _ = article(
        "", "Published 9:00 AM ET, Fri July 5, 2024 · Updated 3:45 PM ET, Fri July 5, 2024"
    )
    assert published == "Published 9:00 AM ET, Fri July 5, 2024"
    assert modified == "Updated 3:45 PM ET, Fri July 5, 2024"


@pytest.mark.parametrize(
    "stamp",
    [
        "Updated 3:45 PM ET, Fri July 5, 2024",
        "<span>Updated</span> <b>3:45 PM ET, Fri July 5, 2024</b>",
    ],
)
def test_updated_only_does_not_become_published(stamp: str) -> None:
    published, modified, _ = article("", stamp)
    assert modified == "Updated 3:45 PM ET, Fri July 5, 2024"
    assert published is None


def test_choose_date_order() -> None:
    day = date(2024, 7, 5)
    candidates = [(None, "jsonld"), ("2024-07-05", "meta"), ("Updated 3:45 PM", "text")]
    assert choose_date(candidates, (2, day, True)) == 2  # more precise and agrees
    assert choose_date(candidates, (2, date(2024, 8, 1), True)) == 1  # disagrees
    assert choose_date(candidates, (2, day, False)) == 1  # a day-only stamp adds nothing
    assert choose_date([("2024-07-05T10:00Z", "meta"), ("x", "text")], (1, day, True)) == 0


def test_same_instant_with_the_sites_offset_beats_utc() -> None:
    candidates = [
        ("2023-11-09T02:11:03+00:00", "jsonld"),
        ("2023-11-08T21:11:03-05:00", "time"),
    ]
    assert choose_date(candidates) == 1
    # A different instant, or a first value already local, keeps layer order.
    assert (
        choose_date([("2023-11-09T02:11:03Z", "jsonld"), ("2023-11-08T09:00-05:00", "time")]) == 0
    )
    assert (
        choose_date([("2023-11-08T21:11:03-05:00", "jsonld"), ("2023-11-09T02:11:03Z", "meta")])
        == 0
    )


@pytest.mark.parametrize(
    ("iso", "wall", "expected"),
    [
        ("2022-05-04T03:37:37+00:00", "3 May, 2022, 11:37 pm", "2022-05-03T23:37:37-04:00"),
        ("2025-09-09T07:58:05.000Z", "09.09.2025, 09:58", "2025-09-09T09:58:05+02:00"),
        ("2020-08-19T18:02:47+00:00", "19 August 2020 9:02", None),  # 9:02 or 21:02?
        ("2022-05-04T03:37:37+00:00", "3 May, 2022, 11:15 pm", None),  # minutes differ
        ("2022-05-04T03:37:37-04:00", "3 May, 2022, 11:37 pm", None),  # not UTC
        ("2022-05-04T03:37:37Z", "3 May 2022", None),  # no time printed
    ],
)
def test_local_form_from_the_printed_wall_time(iso: str, wall: str, expected: str | None) -> None:
    assert local_form(iso, wall, NOW) == expected
