"""The article JSON PostgreSQL builds for the cursor is exactly the JSON Python builds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aggregator.serve.jsonview import ARTICLE_FIELDS, article_json
from aggregator.store.jsonpage import changes_json
from aggregator.store.reader import changes
from aggregator.store.repository import ArticleRepository
from aggregator.store.schema import open_engine, upgrade
from tests.serve_support import article


def test_database_built_json_matches_the_python_view(database_url: str) -> None:
    engine = open_engine(database_url)
    upgrade(engine)
    odd = 'Quote " backslash \\ newline \n tab \t </script> ünïcødé 😀 \u2028'
    items = [
        article(1),
        article(2, title=odd, summary=odd, authors=[], tags=[], category=None),
        article(3, published_at=None, modified_at=datetime(2024, 7, 5, 1, 2, 3, 450, tzinfo=UTC)),
        article(4, fetched_at=datetime(2024, 7, 5, 12, 0, 0, 999999, tzinfo=UTC)),
    ]
    ArticleRepository(engine).save_batch(items)
    built = changes_json(
        engine,
        fields=ARTICLE_FIELDS,
        render=lambda row: json.dumps(article_json(row)),
        since=0,
        limit=10,
    )
    expected = [article_json(row) for row in changes(engine, since=0, limit=10)]
    engine.dispose()
    assert [json.loads(document) for _, document in built] == expected
    assert [seq for seq, _ in built] == [a["change_seq"] for a in expected]
    assert expected[3]["first_seen_at"] == "2024-07-05T12:00:00.999999Z"
    assert expected[2]["modified_at"] == "2024-07-05T01:02:03.000450Z"
    assert expected[0]["first_seen_at"] == "2024-07-05T12:00:00Z"
