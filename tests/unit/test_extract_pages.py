"""Saved-page regression tests: every extraction path on a page written for it.

Each `tests/pages/<name>.html` has a `<name>.json` beside it with the URL the
page is read under, optional site selectors, and the expected ArticleItem
fields (or `null` for pages that are not articles). The pages were written for
these tests, modelled on common layouts; none is copied from a real site.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aggregator.extract import extract_article, extract_article_html

PAGES = Path(__file__).resolve().parent.parent / "pages"
CASES = sorted(PAGES.glob("*.json"))


def _load(case: Path) -> tuple[bytes, dict[str, Any]]:
    return case.with_suffix(".html").read_bytes(), json.loads(case.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_saved_page(case: Path) -> None:
    html, spec = _load(case)
    item = extract_article_html(html, spec["url"], selectors=spec.get("selectors"))
    expected = spec["expected"]
    if expected is None:
        assert item is None
        return
    assert item is not None
    actual = {name: getattr(item, name) for name in expected}
    assert actual == expected


def test_every_path_has_a_page() -> None:
    layers = set()
    for case in CASES:
        expected = json.loads(case.read_text(encoding="utf-8"))["expected"] or {}
        layers.update((expected.get("sources") or {}).values())
    assert {"selectors", "jsonld", "meta", "microdata", "time", "text"} <= layers


def test_response_wrapper_matches_plain_values() -> None:
    from scrapy.http import HtmlResponse

    html, spec = _load(PAGES / "jsonld_graph.json")
    response = HtmlResponse(spec["url"], body=html, encoding="utf-8")
    assert extract_article(response) == extract_article_html(html, spec["url"])
