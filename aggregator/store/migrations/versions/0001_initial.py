"""Initial schema: articles, article_urls, crawl_runs (contract 4 in docs/architecture.md).

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _utc(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("site", sa.String(100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("authors", JSON, nullable=False),
        _utc("published_at"),
        sa.Column("published_raw", sa.Text(), nullable=True),
        sa.Column("published_source", sa.String(16), nullable=True),
        sa.Column("published_precision", sa.String(8), nullable=True),
        _utc("modified_at"),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        _utc("first_seen_at", nullable=False),
        _utc("last_seen_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("url", name="uq_articles_url"),
    )
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index("ix_articles_last_seen_at", "articles", ["last_seen_at"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_site_published_at", "articles", ["site", "published_at"])

    op.create_table(
        "crawl_runs",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("spider", sa.String(100), nullable=False),
        sa.Column("site", sa.String(100), nullable=True),
        _utc("started_at", nullable=False),
        _utc("finished_at"),
        sa.Column("finish_reason", sa.String(100), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("failed_checks", JSON, nullable=False),
        sa.Column("stats", JSON, nullable=False),
        sa.Column("items_new", sa.Integer(), nullable=False),
        sa.Column("items_updated", sa.Integer(), nullable=False),
        sa.Column("items_unchanged", sa.Integer(), nullable=False),
        sa.Column("items_duplicate", sa.Integer(), nullable=False),
        sa.Column("items_dropped", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_runs"),
    )
    op.create_index("ix_crawl_runs_spider_started_at", "crawl_runs", ["spider", "started_at"])

    op.create_table(
        "article_urls",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("article_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_urls_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_article_urls"),
        sa.UniqueConstraint("url", name="uq_article_urls_url"),
    )
    op.create_index("ix_article_urls_article_id", "article_urls", ["article_id"])


def downgrade() -> None:
    op.drop_table("article_urls")
    op.drop_table("crawl_runs")
    op.drop_table("articles")
