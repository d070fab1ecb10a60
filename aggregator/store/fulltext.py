"""Full-text search over articles' titles and bodies, with each database's own engine.

SQLite: an FTS5 table `articles_fts` with external content (the rows stay in
`articles`; FTS5 keeps only its index), kept current by three triggers on
`articles`. PostgreSQL: a table `article_search` (one `tsvector` per article,
GIN-indexed), kept current by a trigger on `articles`. Both are created by migration 0005, so crawls
write articles without knowing about search. The `simple` configuration and
FTS5's `unicode61` tokenizer do not stem: articles come in many languages.

User text never reaches the query syntax: it is cut into words, each quoted
(SQLite) or handed to `plainto_tsquery` (PostgreSQL), so every word must
match and no input can be a syntax error.

The FTS objects are not in the models (SQLAlchemy cannot declare them), so
`is_schema_object` keeps them out of the drift check (`schema.drift`).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal_column, select, table, text
from sqlalchemy.sql import Select

from aggregator.store.models import Article

FTS_TABLE = "articles_fts"
# FTS5 creates these shadow tables beside its virtual table.
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")
SEARCH_TABLE = "article_search"
SEARCH_CONFIG = "simple"
# Words longer than this are cut; queries of more words than this are refused upstream.
MAX_WORDS = 16
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_tables() -> frozenset[str]:
    """The SQLite FTS5 table and its shadow tables."""
    return frozenset({FTS_TABLE, *(FTS_TABLE + suffix for suffix in FTS_SHADOW_SUFFIXES)})


def is_schema_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Alembic `include_object`: False for the search objects, which no model declares."""
    return not (type_ == "table" and (name in fts_tables() or name == SEARCH_TABLE))


def words(query: str) -> list[str]:
    """The words of a search, in order (what both databases will look for)."""
    return _WORD.findall(query)[:MAX_WORDS]


def _fts5_expression(found: list[str]) -> str:
    # Each word as an FTS5 string: a quote inside is doubled; implicit AND between them.
    return " ".join('"' + word.replace('"', '""') + '"' for word in found)


def matching(conn: Connection, query: str) -> ColumnElement[bool]:
    """A condition on `articles` true for articles containing every word of `query`."""
    found = words(query)
    if conn.dialect.name == "postgresql":
        wanted = func.plainto_tsquery(
            literal_column(f"'{SEARCH_CONFIG}'::regconfig"), " ".join(found)
        )
        hits: Select[Any] = (
            select(literal_column("article_id"))
            .select_from(table(SEARCH_TABLE))
            .where(literal_column("vector").bool_op("@@")(wanted))
        )
        return Article.id.in_(hits)
    condition = text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=_fts5_expression(found))
    ids: Select[Any] = (
        select(literal_column("rowid")).select_from(table(FTS_TABLE)).where(condition)
    )
    return Article.id.in_(ids)
