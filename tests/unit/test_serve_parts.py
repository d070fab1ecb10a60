"""The pure parts of `scrapy serve`: parameters, JSON shapes, charts, search words, schema check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from multidict import MultiDict

from aggregator.serve import check_schema
from aggregator.serve.charts import bars, line
from aggregator.serve.feeds import xml_text
from aggregator.serve.jsonview import iso
from aggregator.serve.params import SINCE, SITE, BadRequest, limit, parse
from aggregator.store.fulltext import _fts5_expression, is_schema_object, words
from aggregator.store.schema import SchemaError

PARAMS = (SINCE, SITE, limit(100, 1000))


def test_parameters_are_typed_with_their_defaults() -> None:
    assert parse(MultiDict(), PARAMS) == {"since": 0, "site": None, "limit": 100}
    values = parse(MultiDict({"since": "42", "site": " daily ", "limit": "1000"}), PARAMS)
    assert values == {"since": 42, "site": "daily", "limit": 1000}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "-1"}, "since must be a whole number, got '-1'"),
        ({"since": "1e3"}, "since must be a whole number"),
        ({"since": "9" * 20}, "since must be a whole number"),
        ({"since": "9223372036854775808"}, "since must be at most 9223372036854775807"),
        ({"limit": "0"}, "limit must be at least 1, got 0"),
        ({"limit": "1001"}, "limit must be at most 1000, got 1001"),
        ({"site": ""}, "site must not be empty"),
        ({"site": "../etc"}, "site '../etc' is not valid"),
        ({"site": "a\x00b"}, "site must not contain NUL characters"),
        ({"sort": "x"}, "unknown query parameter 'sort' (allowed: since, site, limit)"),
    ],
)
def test_a_bad_parameter_is_refused_with_its_name(query: dict[str, str], message: str) -> None:
    with pytest.raises(BadRequest, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse(MultiDict(query), PARAMS)


def test_a_repeated_parameter_is_refused_but_a_blank_form_field_is_absent() -> None:
    with pytest.raises(BadRequest, match="given more than once"):
        parse(MultiDict([("limit", "1"), ("limit", "2")]), PARAMS)
    assert parse(MultiDict({"site": " "}), PARAMS, blank_is_absent=True)["site"] is None


def test_the_openapi_description_says_what_validation_enforces() -> None:
    assert limit(100, 1000).openapi()["schema"] == {
        "type": "integer", "format": "int64", "minimum": 1, "maximum": 1000, "default": 100,
    }  # fmt: skip
    assert SITE.openapi()["schema"]["pattern"] == SITE.pattern


def test_times_are_utc_with_z() -> None:
    two_hours_east = timezone(timedelta(hours=2))
    assert iso(datetime(2024, 7, 5, 14, 30, tzinfo=two_hours_east)) == "2024-07-05T12:30:00Z"
    assert iso(datetime(2024, 7, 5, 12, 0, 0, 500, tzinfo=UTC)) == "2024-07-05T12:00:00.000500Z"
    assert iso(None) is None


def test_bar_and_line_charts_scale_skip_gaps_and_escape_their_label() -> None:
    drawn = bars([1.0, None, 4.0, 0.0], "new <items>")
    assert drawn.count("<rect") == 3  # None draws nothing; 0 draws a zero-height bar
    assert 'height="26.0"' in drawn  # the largest value fills the height less the axis
    assert "new &lt;items&gt;" in drawn and "<items>" not in drawn
    traced = line([0.1, 0.2, None, 0.3, 0.4], "error rate")
    assert traced.count("<polyline") == 2 and traced.count("<circle") == 4
    assert line([None, 0.5, None], "one").count("<polyline") == 0  # a lone point is a dot
    assert "style=" not in drawn + traced  # the CSP forbids inline styles


def test_search_words_cannot_become_fts5_syntax() -> None:
    assert words('storm -harbour "OR" NEAR(x) café*') == [
        "storm",
        "harbour",
        "OR",
        "NEAR",
        "x",
        "café",
    ]
    assert _fts5_expression(["storm", "OR"]) == '"storm" "OR"'
    assert words('"*(') == []


def test_only_the_search_objects_are_left_out_of_the_drift_check() -> None:
    assert not is_schema_object(None, "articles_fts", "table", True, None)
    assert not is_schema_object(None, "articles_fts_idx", "table", True, None)
    assert not is_schema_object(None, "article_search", "table", True, None)
    assert is_schema_object(None, "articles", "table", True, None)
    assert is_schema_object(None, "ix_articles_change_seq", "index", True, None)


def test_serve_refuses_a_schema_that_is_missing_or_not_at_head() -> None:
    check_schema("0005", "0005")
    with pytest.raises(SchemaError, match="no schema yet"):
        check_schema(None, "0005")
    with pytest.raises(
        SchemaError, match="at 0003, the code expects 0005: run `scrapy db upgrade`"
    ):
        check_schema("0003", "0005")


def test_feed_text_loses_only_what_xml_cannot_hold() -> None:
    assert xml_text("a\x00b\x0bc\td\ne\r\ufffef é 😀") == "abc\td\ne\rf é 😀"
