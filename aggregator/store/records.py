"""Articles as plain records: the row values the store writes, and the JSON lines the spool keeps.

The spool must give back exactly the item that was scraped, so every field of
`ArticleItem` travels; datetimes as ISO 8601 with their offset (always UTC
here). No SQL and no files here: `repository` and `spool` use these.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from aggregator.items import ArticleItem

SPOOL_FORMAT = 1

# Fields copied from the item to the `articles` row.
ARTICLE_FIELDS = (
    "site",
    "title",
    "body",
    "summary",
    "authors",
    "published_at",
    "published_raw",
    "published_source",
    "published_precision",
    "modified_at",
    "category",
    "tags",
    "image_url",
    "language",
    "content_hash",
)
# A change in any of these makes an update (DESIGN: body, title or modified date).
CHANGE_FIELDS = ("title", "body", "modified_at")
# Kept in `article_revisions` when an update replaces them.
REVISION_FIELDS = ("title", "body", "summary", "modified_at", "content_hash")

_DATETIME_FIELDS = frozenset(
    f.name for f in dataclasses.fields(ArticleItem) if "datetime" in str(f.type)
)


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (pairs are joined into one character).

    JSON may spell a lone surrogate (`"\\ud800"`), and Python keeps it in a str
    that no UTF-8 encoder, spool file or database accepts.
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def has_surrogates(text: str) -> bool:
    """Whether `text` holds a surrogate code point, which is not valid Unicode text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _no_nul(value: Any) -> Any:
    """`value` without NUL characters: PostgreSQL text cannot hold one, and pages contain some."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
        return [_no_nul(v) for v in value]
    return value


def article_values(item: ArticleItem) -> dict[str, Any]:
    """The `articles` columns an item fills (not the URL or the seen/updated times)."""
    return {name: _no_nul(getattr(item, name)) for name in ARTICLE_FIELDS}


def item_to_record(item: ArticleItem) -> dict[str, Any]:
    """A JSON-ready dict of every field of `item`."""
    record: dict[str, Any] = {}
    for f in dataclasses.fields(ArticleItem):
        value = getattr(item, f.name)
        record[f.name] = value.isoformat() if isinstance(value, datetime) else value
    return {"format": SPOOL_FORMAT, "item": record}


def item_from_record(record: dict[str, Any]) -> ArticleItem:
    """The item `item_to_record` wrote; raises ValueError on a line it did not write."""
    if record.get("format") != SPOOL_FORMAT or not isinstance(record.get("item"), dict):
        raise ValueError(f"not a spooled article (format {record.get('format')!r})")
    known = {f.name for f in dataclasses.fields(ArticleItem)}
    values = {k: v for k, v in record["item"].items() if k in known}
    for name in _DATETIME_FIELDS & values.keys():
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name])
    if not isinstance(values.get("url"), str):
        raise ValueError("spooled article without a URL")
    return ArticleItem(**values)
