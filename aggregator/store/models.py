"""Typed SQLAlchemy 2.0 models of the tables readers rely on (contract 4, docs/architecture.md).

Every column is documented for readers in `docs/schema.md`; a change here
ships with an Alembic revision in `migrations/versions/` (CI checks drift).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from aggregator.store.types import UTCDateTime

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# JSONB on PostgreSQL so readers can index and query lists such as `tags`.
Json = JSON().with_variant(JSONB(), "postgresql")

# Named constraints, so that Alembic (batch mode on SQLite) can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the UTC datetime type as the default for datetimes."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: Json,
        list[str]: Json,
    }


class Article(Base):
    """One story, stored once, under its canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_site_published_at", "site", "published_at"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_last_seen_at", "last_seen_at"),
        Index("ix_articles_change_seq", "change_seq", unique=True),
        Index("ix_articles_site_change_seq", "site", "change_seq"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    site: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    published_at: Mapped[datetime | None]
    published_raw: Mapped[str | None] = mapped_column(Text)
    published_source: Mapped[str | None] = mapped_column(String(16))
    published_precision: Mapped[str | None] = mapped_column(String(8))
    modified_at: Mapped[datetime | None]
    category: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    image_url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    """When the stored text last changed: the fetch time of the stored version."""
    change_seq: Mapped[int] = mapped_column(BigInteger)
    """Grows with every insert or update, in commit order: readers poll `change_seq > last`."""

    urls: Mapped[list[ArticleUrl]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class ArticleUrl(Base):
    """Every URL form under which an article was met (links, redirects, canonical)."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )

    article: Mapped[Article] = relationship(back_populates="urls")


class ArticleRevision(Base):
    """A previous version of an article, kept when an update replaced it."""

    __tablename__ = "article_revisions"
    __table_args__ = (
        Index("ix_article_revisions_article_id_replaced_at", "article_id", "replaced_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(BigId, ForeignKey("articles.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    modified_at: Mapped[datetime | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[datetime]
    replaced_at: Mapped[datetime]


class ArticleDuplicate(Base):
    """A copy of a stored article met under another URL: same text, or a syndicated near copy."""

    __tablename__ = "article_duplicates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    site: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    similarity: Mapped[float] = mapped_column(Float)
    article_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class ArticleFingerprint(Base):
    """An article's MinHash signature, to confirm near-duplicate candidates."""

    __tablename__ = "article_fingerprints"

    article_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class ArticleBand(Base):
    """One LSH band key of an article's signature: the index that finds near copies."""

    __tablename__ = "article_bands"
    # Clustered on its key in SQLite too: one B-tree less to update per band row.
    __table_args__ = ({"sqlite_with_rowid": False},)

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CrawlRun(Base):
    """One crawl of one spider: when, how it ended, its checks and its full stats."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        Index("ix_crawl_runs_spider_started_at", "spider", "started_at"),
        # `scrapy runs <site>`, `scrapy sites` and the health checks' history read by site.
        Index("ix_crawl_runs_site_started_at", "site", "started_at"),
        # A worker finds the runs of a lost job by its id (docs/distributed.md).
        Index("ix_crawl_runs_job_id", "job_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    spider: Mapped[str] = mapped_column(String(100))
    site: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="running")
    failed_checks: Mapped[list[str]] = mapped_column(default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    items_new: Mapped[int] = mapped_column(default=0)
    items_updated: Mapped[int] = mapped_column(default=0)
    items_unchanged: Mapped[int] = mapped_column(default=0)
    items_duplicate: Mapped[int] = mapped_column(default=0)
    items_dropped: Mapped[int] = mapped_column(default=0)
    requests: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    # Set for crawls started by `scrapy worker`: where it ran and for which queue job.
    worker_host: Mapped[str | None] = mapped_column(String(255))
    worker_pid: Mapped[int | None]
    job_id: Mapped[str | None] = mapped_column(String(64))


# Tables whose SQL lives in their own module register here, so drift checks and
# Alembic's autogenerate see them wherever the models are imported.
from aggregator.store import chains as _chains  # noqa: E402, F401
