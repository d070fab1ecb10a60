"""Revisions, duplicates and near-duplicate fingerprints; `articles.updated_at`, `change_seq`.

New tables: `article_revisions` (previous versions of updated articles),
`article_duplicates` (copies met under other URLs, exact or near),
`article_fingerprints` (MinHash signatures) and `article_bands` (their LSH
band keys, indexed). `articles.updated_at` says when the stored text last
changed (existing rows take their `first_seen_at`); `articles.change_seq`
numbers inserts and updates in commit order (existing rows take their id).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _article_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["article_id"],
        ["articles.id"],
        name=f"fk_{table}_article_id_articles",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(_utc("updated_at", nullable=True))
        batch.add_column(sa.Column("change_seq", sa.BigInteger(), nullable=True))
    op.execute("UPDATE articles SET updated_at = first_seen_at, change_seq = id")
    with op.batch_alter_table("articles") as batch:
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("change_seq", existing_type=sa.BigInteger(), nullable=False)
        batch.create_index("ix_articles_change_seq", ["change_seq"], unique=True)

    op.create_table(
        "article_revisions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("article_id", BIG_ID, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        _utc("modified_at", nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        _utc("stored_at"),
        _utc("replaced_at"),
        _article_fk("article_revisions"),
        sa.PrimaryKeyConstraint("id", name="pk_article_revisions"),
    )
    op.create_index(
        "ix_article_revisions_article_id_replaced_at",
        "article_revisions",
        ["article_id", "replaced_at"],
    )

    op.create_table(
        "article_duplicates",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("site", sa.String(100), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("article_id", BIG_ID, nullable=False),
        _utc("first_seen_at"),
        _utc("last_seen_at"),
        _article_fk("article_duplicates"),
        sa.PrimaryKeyConstraint("id", name="pk_article_duplicates"),
        sa.UniqueConstraint("url", name="uq_article_duplicates_url"),
    )
    op.create_index("ix_article_duplicates_article_id", "article_duplicates", ["article_id"])

    op.create_table(
        "article_fingerprints",
        sa.Column("article_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        _article_fk("article_fingerprints"),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_fingerprints"),
    )

    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", BIG_ID, nullable=False),
        _article_fk("article_bands"),
        sa.PrimaryKeyConstraint("band_key", "article_id", name="pk_article_bands"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_article_bands_article_id", "article_bands", ["article_id"])


def downgrade() -> None:
    op.drop_table("article_bands")
    op.drop_table("article_fingerprints")
    op.drop_table("article_duplicates")
    op.drop_table("article_revisions")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_change_seq")
        batch.drop_column("change_seq")
        batch.drop_column("updated_at")
