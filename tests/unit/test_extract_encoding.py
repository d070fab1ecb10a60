"""Pages whose declared charset lies: text comes out readable, and real UTF-8 stays UTF-8."""

from __future__ import annotations

import pytest

from aggregator.extract import extract_article_html
from aggregator.extract.document import decode

PARAGRAPH = (
    "<p>{sentence} Les caf\u00e9s du vieux quartier rouvrent apr\u00e8s deux ans de travaux, "
    "et la mairie a vot\u00e9 le budget: les commer\u00e7ants sont soulag\u00e9s, disent-ils, "
    "m\u00eame si la saison d\u00e9bute tard et que les prix ont augment\u00e9.</p>"
)
PAGE = (
    '<html lang="fr"><head><title>{title}</title></head><body><article><h1>{title}</h1>'
    + PARAGRAPH * 4
    + "</article></body></html>"
)


def page(title: str = "Caf\u00e9 society", sentence: str = "Une \u00e9tape.") -> str:
    return PAGE.format(title=title, sentence=sentence)


def test_latin1_bytes_sent_as_utf8_are_read_as_windows_1252() -> None:
    item = extract_article_html(
        page().encode("cp1252"), "https://a.example/2024/07/05/cafe-society/", encoding="utf-8"
    )
    assert item is not None and item.title == "Caf\u00e9 society"
    assert item.body is not None and "caf\u00e9s" in item.body and "\ufffd" not in item.body


@pytest.mark.parametrize("title", ["Caf\u00e9", "Na\u00efve", "\u00bfQu\u00e9?"])
def test_a_single_accented_letter_is_enough(title: str) -> None:
    assert decode(f"<p>{title}</p>".encode("cp1252"), "utf-8") == f"<p>{title}</p>"


def test_a_utf8_page_with_one_stray_byte_stays_utf8() -> None:
    data = page().encode("utf-8").replace(b"Une", b"Une \xe9", 1)
    text = decode(data, "utf-8")
    assert "caf\u00e9s" in text and "commer\u00e7ants" in text
    assert text.count("\ufffd") == 1


def test_a_literal_replacement_character_is_not_mistaken_for_a_bad_byte() -> None:
    data = "Unknown glyph \ufffd in a caf\u00e9".encode()
    assert decode(data, "utf-8") == "Unknown glyph \ufffd in a caf\u00e9"
