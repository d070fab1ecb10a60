"""The JSON the read API returns: one documented shape per kind of record (docs/serve.md).

Field names are the column names of docs/schema.md; times are ISO 8601 UTC
ending in `Z`; lists are lists. Internal columns a reader has no use for
(the near-duplicate fingerprints) are never included, nor anything about the
server (its settings, its database URL, its stats).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aggregator.health.figures import figures_from_stats
from aggregator.store.models import CrawlRun
from aggregator.store.reader import ArticleDetail, Row, SiteSummary

ARTICLE_FIELDS = (
    "id", "url", "site", "title", "body", "summary", "authors", "published_at",
    "published_raw", "published_source", "published_precision", "modified_at", "category",
    "tags", "image_url", "language", "content_hash", "first_seen_at", "last_seen_at",
    "updated_at", "change_seq",
)  # fmt: skip
REVISION_FIELDS = (
    "title",
    "body",
    "summary",
    "modified_at",
    "content_hash",
    "stored_at",
    "replaced_at",
)
DUPLICATE_FIELDS = ("url", "site", "title", "kind", "similarity", "first_seen_at", "last_seen_at")
RUN_FIELDS = (
    "id", "spider", "site", "started_at", "finished_at", "finish_reason", "status",
    "failed_checks", "items_new", "items_updated", "items_unchanged", "items_duplicate",
    "items_dropped", "requests", "errors",
)  # fmt: skip


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with `Z`, or None."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, list):
        return list(value)
    return value


def _pick(row: Row, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(row.get(name)) for name in names}


def article_json(row: Row) -> dict[str, Any]:
    """An article as in docs/serve.md."""
    data = _pick(row, ARTICLE_FIELDS)
    data["authors"] = data["authors"] or []
    data["tags"] = data["tags"] or []
    return data


def article_detail_json(detail: ArticleDetail) -> dict[str, Any]:
    """An article with `urls`, `revisions` (oldest first) and `duplicates`."""
    return {
        **article_json(detail.article),
        "urls": detail.urls,
        "revisions": [_pick(row, REVISION_FIELDS) for row in detail.revisions],
        "duplicates": [_pick(row, DUPLICATE_FIELDS) for row in detail.duplicates],
    }


def run_json(run: CrawlRun) -> dict[str, Any]:
    """A crawl run: its columns and the figures derived from its stats (not the raw stats)."""
    data = {name: _value(getattr(run, name)) for name in RUN_FIELDS}
    figures = figures_from_stats(run.stats or {})
    data["error_rate"] = figures.error_rate
    data["newest_published_at"] = iso(figures.newest_published_at)
    data["newest_age_seconds"] = figures.newest_age_seconds
    data["articles_seen"] = figures.articles_seen
    return data


def site_json(summary: SiteSummary, last_run: CrawlRun | None, now: datetime) -> dict[str, Any]:
    """A site: its articles, freshness (age of the newest article) and last run."""
    newest = summary.newest_published_at
    return {
        "site": summary.site,
        "articles": summary.articles,
        "newest_published_at": iso(newest),
        "freshness_seconds": (now - newest).total_seconds() if newest else None,
        "last_seen_at": iso(summary.newest_seen_at),
        "last_run": run_json(last_run) if last_run is not None else None,
    }
