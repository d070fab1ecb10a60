"""Fuzzed requests built from the served OpenAPI description: a 4xx or a 200, never a 5xx.

Hypothesis draws values for every documented query and path parameter (in
range, out of range, of the wrong type, empty, odd Unicode) and adds unknown
parameters, repeated ones and raw, badly encoded query strings.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.store.repository import ArticleRepository
from aggregator.store.schema import open_engine, upgrade
from tests.serve_support import Server, article, running_server

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
INTEGERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)


def _value(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("type") == "integer":
        inside = st.integers(schema.get("minimum", 0), schema.get("maximum", 2**63 - 1)).map(str)
        return st.one_of(inside, INTEGERS, TEXT)
    return st.one_of(TEXT, st.from_regex(r"[a-z_]{1,12}", fullmatch=True), st.just("story"))


@st.composite
def requests(draw: st.DrawFn, spec: dict[str, Any]) -> str:
    path_template = draw(st.sampled_from(sorted(spec["paths"])))
    params = spec["paths"][path_template]["get"]["parameters"]
    path = path_template
    query: list[tuple[str, str]] = []
    for param in params:
        value = draw(_value(param["schema"]))
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", urllib.parse.quote(value, safe=""))
        elif draw(st.booleans()):
            query.append((param["name"], value))
    if draw(st.integers(0, 9)) == 0:
        query.append((draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True)), draw(TEXT)))
    if query and draw(st.integers(0, 9)) == 0:
        query.append(query[0])
    raw = urllib.parse.urlencode(query)
    if draw(st.integers(0, 9)) == 0:
        raw += draw(st.sampled_from(["&limit=%ff%fe", "&q=%", "&since=%00", "&&=", "&q=%e2%82"]))
    return f"{path}?{raw}" if raw else path


def test_fuzzed_parameters_get_4xx_never_5xx(database_url: str, tmp_path: Path) -> None:
    engine = open_engine(database_url)
    upgrade(engine)
    ArticleRepository(engine).save_batch([article(n) for n in range(3)])
    engine.dispose()
    with running_server(database_url, tmp_path) as server:
        spec = server.get("/openapi.json").json()
        assert set(spec["paths"]) >= {"/api/articles", "/api/runs", "/feeds/{name}.atom"}
        _fuzz(server, spec)


def _fuzz(server: Server, spec: dict[str, Any]) -> None:
    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(requests(spec))
    def check(target: str) -> None:
        answer = server.get(target)
        assert answer.status in {200, 400, 404}, (target, answer.status, answer.body[:300])
        if answer.status != 200 and target.startswith(("/api/", "/feeds/")):
            assert answer.json()["error"]

    check()
