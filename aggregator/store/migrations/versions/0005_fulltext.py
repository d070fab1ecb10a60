"""Full-text search on articles' titles and bodies (`GET /api/articles?q=`).

SQLite: an FTS5 table with external content (`articles_fts`, the text stays in
`articles`), filled from the existing rows and kept current by triggers on
insert, delete and a change of title or body (moving `last_seen_at` alone does
not rewrite the index). PostgreSQL: a table `article_search` (one `tsvector`
per article, GIN-indexed) filled from the existing rows and kept current by a
trigger on insert and on a change of title or body (deletes cascade). A stored
vector rather than an expression index on `articles`: a search that also
orders by `change_seq` may be planned as a walk along `change_seq` testing
each row, and with an expression index each row's text is parsed again for
the test (10.2 s for a word in 0.1 % of 1,000,000 articles, measured). A table
of its own rather than a generated column: `articles` rows stay as narrow as
before, and moving `last_seen_at` does not recompute the vector. Its
statistics target is raised so that the planner knows more words' frequencies.
Crawls need no change. See `aggregator/store/fulltext.py`.

A later SQLite batch migration that rebuilds `articles` drops these triggers
with the table: it must create them again (`create_sqlite_triggers`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The text searched, as a `tsvector` (no stemming: articles come in many languages).
VECTOR = "to_tsvector('simple'::regconfig, title || ' ' || body)"
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


POSTGRES_UPGRADE = (
    """CREATE TABLE article_search (
        article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        vector tsvector NOT NULL
    )""",
    "ALTER TABLE article_search ALTER COLUMN vector SET STATISTICS 1000",
    f"INSERT INTO article_search (article_id, vector) SELECT id, {VECTOR} FROM articles",
    "CREATE INDEX ix_article_search_vector ON article_search USING gin (vector)",
    f"""CREATE FUNCTION article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_search (article_id, vector)
        VALUES (NEW.id, {VECTOR.replace("title", "NEW.title").replace("body", "NEW.body")})
        ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER article_search_refresh AFTER INSERT OR UPDATE OF title, body
    ON articles FOR EACH ROW EXECUTE FUNCTION article_search_refresh()""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)
        return
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER article_search_refresh ON articles")
        op.execute("DROP FUNCTION article_search_refresh()")
        op.execute("DROP TABLE article_search")
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE articles_fts")
