"""The validate pipeline: each drop reason is its own DropItem subclass."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem

from aggregator.items import ArticleItem
from aggregator.pipelines.validate import (
    MissingBody,
    MissingFetchTime,
    MissingTitle,
    MissingUrl,
    UrlTooLong,
    ValidateArticlePipeline,
)

FETCHED = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


def article(**fields: object) -> ArticleItem:
    values: dict[str, object] = {"title": "T", "body": "B", "fetched_at": FETCHED}
    values.update(fields)
    url = str(values.pop("url", "https://news.example/a/"))
    return ArticleItem(url=url, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"url": ""}, MissingUrl),
        ({"url": "https://news.example/" + "a" * 2100}, UrlTooLong),
        ({"title": "  "}, MissingTitle),
        ({"body": None}, MissingBody),
        ({"fetched_at": None}, MissingFetchTime),
    ],
)
def test_each_reason_has_its_own_drop(fields: dict[str, object], reason: type[DropItem]) -> None:
    with pytest.raises(reason):
        ValidateArticlePipeline().process_item(article(**fields))


def test_a_complete_article_passes() -> None:
    item = article()
    assert ValidateArticlePipeline().process_item(item) is item
