"""All SQL of the project: saving articles and reading them back.

`ArticleRepository.save_batch` writes a batch of cleaned, dated articles in
one transaction. An article already stored under any of its URL forms is
updated when its title, body or modified date changed, else only its
`last_seen_at` moves; every URL form is recorded in `article_urls`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from aggregator.items import ArticleItem
from aggregator.store.models import Article, ArticleUrl


class Outcome(StrEnum):
    """What saving one article did."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


# Fields copied from the item to the row; a change in any of `_CHANGE_FIELDS`
# makes an update, the others follow along.
_COPIED_FIELDS = (
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
_CHANGE_FIELDS = ("title", "body", "modified_at")


def _row_values(item: ArticleItem) -> dict[str, object]:
    return {name: getattr(item, name) for name in _COPIED_FIELDS}


class ArticleRepository:
    """Reads and writes `articles` and `article_urls`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save_batch(self, items: Sequence[ArticleItem]) -> list[Outcome]:
        """Insert or update every item in one transaction; one outcome per item."""
        with Session(self.engine) as session, session.begin():
            return [self._save(session, item) for item in items]

    def _save(self, session: Session, item: ArticleItem) -> Outcome:
        assert item.canonical_url and item.fetched_at, "clean pipeline fills these"
        forms = list(dict.fromkeys([item.canonical_url, *item.url_forms]))
        article = self._find(session, forms)
        if article is None:
            article = Article(
                url=item.canonical_url,
                first_seen_at=item.fetched_at,
                last_seen_at=item.fetched_at,
                **_row_values(item),
            )
            session.add(article)
            session.flush()
            outcome = Outcome.INSERTED
        else:
            changed = any(getattr(article, f) != getattr(item, f) for f in _CHANGE_FIELDS)
            if changed:
                for name, value in _row_values(item).items():
                    setattr(article, name, value)
            article.last_seen_at = max(article.last_seen_at, item.fetched_at)
            outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        self._record_urls(session, article.id, forms)
        return outcome

    @staticmethod
    def _find(session: Session, forms: Iterable[str]) -> Article | None:
        forms = list(forms)
        found = session.scalars(select(Article).where(Article.url.in_(forms)).limit(1)).first()
        if found is not None:
            return found
        return session.scalars(
            select(Article).join(ArticleUrl).where(ArticleUrl.url.in_(forms)).limit(1)
        ).first()

    @staticmethod
    def _record_urls(session: Session, article_id: int, forms: Sequence[str]) -> None:
        known = set(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(forms))))
        session.add_all(
            ArticleUrl(url=form, article_id=article_id) for form in forms if form not in known
        )

    def count(self) -> int:
        """How many articles are stored."""
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(Article)) or 0

    def latest(self, limit: int = 50) -> list[Article]:
        """The newest articles by publication time (undated ones last)."""
        with Session(self.engine) as session:
            query = select(Article).order_by(
                Article.published_at.is_(None), Article.published_at.desc()
            )
            return list(session.scalars(query.limit(limit)))
