"""Full-text search on articles' titles and bodies (`GET /api/articles?q=`).

SQLite: an FTS5 table with external content (`articles_fts`, the text stays in
`articles`), filled from the existing rows and kept current by triggers on
insert, delete and a change of title or body (moving `last_seen_at` alone does
not rewrite the index). PostgreSQL: a stored generated column `search_vector`
(`to_tsvector('simple', title || ' ' || body)`, kept current by PostgreSQL) with
a GIN index. A column rather than an expression index because a search that
also orders by `change_seq` may be planned as a scan of `change_seq` filtered
row by row; with an expression index each row's text is parsed again (10 s
for a word in 0.1 % of 1,000,000 articles, measured), with the column it is
read. Its statistics target is raised so that the planner knows more words'
frequencies and picks the index for rare ones.
Crawls need no change. See `aggregator/store/fulltext.py`.

A later SQLite batch migration that rebuilds `articles` drops these triggers
with the table: it must create them again (`create_sqlite_triggers`).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

TRIGGERS = {
    "articles_fts_insert": """AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "articles_fts_delete": """AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    "articles_fts_update": """AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
}


def create_sqlite_triggers() -> None:
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, title || ' ' || body)) STORED"
        )
        op.execute("ALTER TABLE articles ALTER COLUMN search_vector SET STATISTICS 1000")
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN search_vector")
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE articles_fts")
