"""Read-only queries for `scrapy serve`: the change cursor, feeds, one article, sites, one run.

Nothing here writes. Rows come back as plain dicts keyed by column name, so
the web layer never sees SQL or a session.

The cursor (`changes`): rows with `change_seq > since`, in `change_seq` order,
in one statement (one snapshot). Writers take turns and number each batch
from the largest stored `change_seq` after taking the write lock (see
`writes._number_changes`), so a batch commits only after every lower number is
visible: a reader never sees a number while a lower one is still to come, and
polling with the last number read misses nothing. If writers ever numbered
changes from a PostgreSQL sequence without taking turns, a lower number could
commit after a higher one was served: `changes` would then need a horizon that
writers publish (the lowest number still being written); transaction ids alone
(`pg_snapshot_xmin` against each row's `xmin`) cannot give one, because an
older transaction can draw a later number. docs/serve.md explains it for readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine, Table, func, select, union
from sqlalchemy.orm import Session

from aggregator.store.fulltext import matching
from aggregator.store.models import (
    Article,
    ArticleDuplicate,
    ArticleRevision,
    ArticleUrl,
    CrawlRun,
)
from aggregator.store.schema import open_engine

articles = cast(Table, Article.__table__)
revisions = cast(Table, ArticleRevision.__table__)
duplicates = cast(Table, ArticleDuplicate.__table__)
article_urls = cast(Table, ArticleUrl.__table__)
runs = cast(Table, CrawlRun.__table__)

Row = dict[str, Any]


@dataclass(slots=True)
class ArticleDetail:
    """One article with every URL form, its previous versions and its known copies."""

    article: Row
    urls: list[str] = field(default_factory=list)
    revisions: list[Row] = field(default_factory=list)
    duplicates: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class SiteSummary:
    """A site as the database knows it: its articles' count and newest times."""

    site: str
    articles: int = 0
    newest_published_at: Any = None
    newest_seen_at: Any = None


def changes(
    engine: Engine, *, since: int, limit: int, site: str | None = None, query: str | None = None
) -> list[Row]:
    """Articles changed after `since`, oldest change first (the polling cursor)."""
    statement = select(articles).where(articles.c.change_seq > since)
    with engine.connect() as conn:
        if site is not None:
            statement = statement.where(articles.c.site == site)
        if query is not None:
            statement = statement.where(matching(conn, query))
        statement = statement.order_by(articles.c.change_seq).limit(limit)
        return [dict(row._mapping) for row in conn.execute(statement)]


def latest_changes(
    engine: Engine, *, limit: int, site: str | None = None, query: str | None = None
) -> list[Row]:
    """The most recently changed articles first (the dashboard's article browser)."""
    statement = select(articles)
    with engine.connect() as conn:
        if site is not None:
            statement = statement.where(articles.c.site == site)
        if query is not None:
            statement = statement.where(matching(conn, query))
        statement = statement.order_by(articles.c.change_seq.desc()).limit(limit)
        return [dict(row._mapping) for row in conn.execute(statement)]


def newest_published(engine: Engine, *, limit: int, site: str | None = None) -> list[Row]:
    """Dated articles, newest publication first (feeds: undated articles have no place)."""
    statement = select(articles).where(articles.c.published_at.is_not(None))
    if site is not None:
        statement = statement.where(articles.c.site == site)
    statement = statement.order_by(articles.c.published_at.desc(), articles.c.id.desc())
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(statement.limit(limit))]


def article(engine: Engine, article_id: int) -> ArticleDetail | None:
    """One article and what is known about it, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            return None
        forms = select(article_urls.c.url).where(article_urls.c.article_id == article_id)
        previous = (
            select(revisions)
            .where(revisions.c.article_id == article_id)
            .order_by(revisions.c.replaced_at, revisions.c.id)
        )
        copies = (
            select(duplicates)
            .where(duplicates.c.article_id == article_id)
            .order_by(duplicates.c.first_seen_at, duplicates.c.id)
        )
        return ArticleDetail(
            article=dict(row._mapping),
            urls=sorted(conn.scalars(forms)),
            revisions=[dict(r._mapping) for r in conn.execute(previous)],
            duplicates=[dict(r._mapping) for r in conn.execute(copies)],
        )


def sites(engine: Engine) -> list[SiteSummary]:
    """Every site with articles or crawl runs, by name."""
    counted = select(
        articles.c.site,
        func.count().label("articles"),
        func.max(articles.c.published_at).label("newest_published_at"),
        func.max(articles.c.last_seen_at).label("newest_seen_at"),
    ).group_by(articles.c.site)
    names = union(
        select(articles.c.site.label("site")).distinct(),
        select(runs.c.site.label("site")).where(runs.c.site.is_not(None)).distinct(),
    )
    with engine.connect() as conn:
        found = {
            row.site: SiteSummary(
                row.site, row.articles, row.newest_published_at, row.newest_seen_at
            )
            for row in conn.execute(counted)
        }
        every = sorted(conn.scalars(names))
    return [found.get(name, SiteSummary(name)) for name in every]


def run(engine: Engine, run_id: int) -> CrawlRun | None:
    """One crawl run by id (`runs.CrawlRunRepository` reads the lists of runs)."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(CrawlRun, run_id)


def site_known(engine: Engine, site: str) -> bool:
    """Whether any article or crawl run belongs to `site`."""
    with engine.connect() as conn:
        for column in (articles.c.site, runs.c.site):
            if conn.execute(select(column).where(column == site).limit(1)).first() is not None:
                return True
    return False


def open_reader(url: str) -> Engine:
    """An engine for these reads: the store's connection settings, and on PostgreSQL autocommit.

    Every read here is a single statement or a few that need no common snapshot,
    so autocommit saves the BEGIN and ROLLBACK round trips of each request.
    """
    engine = open_engine(url)
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine
