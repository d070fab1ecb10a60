"""The figures operators read from a crawl's stats, and making stats JSON-safe.

Pure (imports neither Scrapy nor SQLAlchemy): the crawl run turns these figures
into `crawl_runs` columns, the health checks compare them with thresholds and
`scrapy runs` prints them, so all three agree on what "errors" or "duplicates"
mean. Stats of past runs come back from the database as JSON, so every reader
accepts both live values (datetimes) and their JSON form (ISO strings).

An incremental crawl skips articles already stored without fetching them
(`aggregator/incremental/skipped`): they count as articles the crawl found
(`articles_seen`), so a quiet day on a healthy site is not "no articles",
and they are not download errors although Scrapy counts them as exceptions.

Stats read: `item_scraped_count`, `aggregator/store/inserted|updated|unchanged|spooled`,
`aggregator/incremental/skipped`,
`item_dropped_reasons_count/<Reason>` (`DuplicateArticle` counts as duplicate),
`downloader/request_count`, `downloader/response_status_count/<code>`,
`downloader/exception_count`, `retry/count`, `log_count/ERROR`,
`httperror/response_ignored_status_count/401|403`,
`aggregator/dates/parsed/<source>`, `aggregator/dates/unparsed`,
`aggregator/spider/listing_pages`, `aggregator/spider/listing_without_links`,
`aggregator/runs/newest_published_at`, `aggregator/runs/newest_age_seconds`,
`finish_reason`, `aggregator/lock/refused` (a run refused by the site lock),
`aggregator/spider/articles`, `aggregator/extract/fallback/<reason>`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

DUPLICATE_REASON = "DuplicateArticle"
DROP_PREFIX = "item_dropped_reasons_count/"
STATUS_PREFIX = "downloader/response_status_count/"
DATES_PREFIX = "aggregator/dates/parsed/"
NEWEST_PUBLISHED = "aggregator/runs/newest_published_at"
NEWEST_AGE = "aggregator/runs/newest_age_seconds"
LOCK_REFUSED = "aggregator/lock/refused"
KNOWN = "aggregator/incremental/skipped"
FALLBACK_PREFIX = "aggregator/extract/fallback/"
IGNORED_PREFIX = "httperror/response_ignored_status_count/"
# 404 and 410 are routine (retracted stories); 5xx and 429 are retried and end in an ERROR line.
REFUSAL_CODES = (401, 403)


def site_name(spider: Any) -> str:
    """The site a spider crawls: its `Site`'s name, else the spider's name."""
    site = getattr(spider, "site", None)
    name = getattr(site, "name", None)
    return str(name) if name else str(getattr(spider, "name", "unknown"))


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _by_suffix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {
        key.removeprefix(prefix): _int(stats, key)
        for key in sorted(stats)
        if key.startswith(prefix) and _int(stats, key)
    }


def as_datetime(value: Any) -> datetime | None:
    """An aware datetime from a live value or its ISO form; None for anything else."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    return None


# The counted fields of a run, declared once: the `crawl_runs` columns that hold a figure
# (the table is a contract, see /work/shared/DESIGN.md "Contracts" and docs/schema.md),
# `RunRecord.counts`, `scrapy runs --json` and the summary line all read this tuple.
COUNTED_COLUMNS = (
    "items_new", "items_updated", "items_unchanged", "items_duplicate", "items_dropped",
    "requests", "errors",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RunFigures:
    """What one crawl did, in the units operators think in."""

    items_scraped: int = 0
    """Items that passed every pipeline (`item_scraped_count`)."""
    items_new: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    items_known: int = 0
    """Articles already stored, so not fetched again (incremental crawling)."""
    items_spooled: int = 0
    """Items kept in the spool for a later write (the database was unusable)."""
    items_duplicate: int = 0
    """Items dropped as `DuplicateArticle` in the run, or stored as copies of an
    earlier article (`aggregator/store/duplicate_exact`, `…/duplicate_near`)."""
    items_dropped: int = 0
    """Items dropped for any other reason (see `dropped_by_reason`)."""
    dropped_by_reason: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    """Requests sent, retries included (`downloader/request_count`)."""
    responses_by_status: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    download_errors: int = 0
    """Requests that ended in an exception (timeouts, refused connections), skips excluded."""
    errors: int = 0
    """ERROR lines in the log (`log_count/ERROR`), given-up retries among them."""
    refused: int = 0
    """Responses 401 or 403 (a site refusing the crawler), which Scrapy logs only at INFO."""
    dates_by_source: dict[str, int] = field(default_factory=dict)
    dates_unparsed: int = 0
    listing_pages: int = 0
    listing_without_links: int = 0
    newest_published_at: datetime | None = None
    newest_age_seconds: float | None = None
    finish_reason: str | None = None
    article_pages: int = 0
    """Pages extraction took for articles (`aggregator/spider/articles`)."""
    body_fallbacks: int = 0
    """Of those, pages whose body the safety net judged weak (`aggregator/extract/fallback/*`)."""
    backlog_unwalked: int = 0
    """Listing chains whose archive no crawl has walked to its end or to `max_pages` yet
    (`aggregator/pagination/backlog_unwalked`): the next crawl reads on into them."""

    @property
    def articles_seen(self) -> int:
        """Articles the crawl found: scraped, or skipped as already stored."""
        return self.items_scraped + self.items_known

    @property
    def articles_per_listing_page(self) -> float | None:
        """Articles found per listing page read; None when no listing page was read.

        Incremental crawling stops pagination at the first wholly known page,
        so later runs read fewer pages: per page, runs stay comparable.
        """
        return self.articles_seen / self.listing_pages if self.listing_pages else None

    @property
    def fetches(self) -> int:
        """Distinct requests: retries of one URL count once."""
        return max(0, self.requests - self.retries)

    @property
    def error_rate(self) -> float | None:
        """ERROR lines and refusals per distinct request; None when nothing was requested."""
        return (self.errors + self.refused) / self.fetches if self.fetches else None

    @property
    def unparsed_share(self) -> float | None:
        """Share of dated items whose date could not be parsed; None when none were tried."""
        tried = sum(self.dates_by_source.values()) + self.dates_unparsed
        return self.dates_unparsed / tried if tried else None

    @property
    def body_fallback_share(self) -> float | None:
        """Share of article pages that had no body or needed the body fallback; None if none."""
        return min(1.0, self.body_fallbacks / self.article_pages) if self.article_pages else None

    def counted_columns(self) -> dict[str, int]:
        """The counts that `crawl_runs` keeps in columns of their own."""
        return {name: getattr(self, name) for name in COUNTED_COLUMNS}

    def to_json(self) -> dict[str, Any]:
        """The figures as a JSON-safe dict (for `scrapy runs --json` and alerts)."""
        data = asdict(self)
        data["articles_seen"] = self.articles_seen
        data["articles_per_listing_page"] = self.articles_per_listing_page
        data["fetches"] = self.fetches
        data["error_rate"] = self.error_rate
        data["unparsed_share"] = self.unparsed_share
        data["body_fallback_share"] = self.body_fallback_share
        safe: dict[str, Any] = json_safe(data)
        return safe


def figures_from_stats(stats: Mapping[str, Any], reason: str | None = None) -> RunFigures:
    """Read the figures from a crawl's stats (live or as stored JSON)."""
    drops = _by_suffix(stats, DROP_PREFIX)
    known = _int(stats, KNOWN)
    age = stats.get(NEWEST_AGE)
    finish = reason if reason is not None else stats.get("finish_reason")
    return RunFigures(
        items_scraped=_int(stats, "item_scraped_count"),
        items_new=_int(stats, "aggregator/store/inserted"),
        items_updated=_int(stats, "aggregator/store/updated"),
        items_unchanged=_int(stats, "aggregator/store/unchanged"),
        items_known=known,
        items_spooled=_int(stats, "aggregator/store/spooled"),
        items_duplicate=drops.get(DUPLICATE_REASON, 0)
        + _int(stats, "aggregator/store/duplicate_exact")
        + _int(stats, "aggregator/store/duplicate_near"),
        items_dropped=sum(n for name, n in drops.items() if name != DUPLICATE_REASON),
        dropped_by_reason=drops,
        requests=_int(stats, "downloader/request_count"),
        responses_by_status=_by_suffix(stats, STATUS_PREFIX),
        retries=_int(stats, "retry/count"),
        download_errors=max(0, _int(stats, "downloader/exception_count") - known),
        errors=_int(stats, "log_count/ERROR"),
        refused=sum(_int(stats, f"{IGNORED_PREFIX}{code}") for code in REFUSAL_CODES),
        dates_by_source=_by_suffix(stats, DATES_PREFIX),
        dates_unparsed=_int(stats, "aggregator/dates/unparsed"),
        listing_pages=_int(stats, "aggregator/spider/listing_pages"),
        listing_without_links=_int(stats, "aggregator/spider/listing_without_links"),
        newest_published_at=as_datetime(stats.get(NEWEST_PUBLISHED)),
        newest_age_seconds=float(age) if isinstance(age, int | float) else None,
        finish_reason=str(finish) if finish is not None else None,
        article_pages=_int(stats, "aggregator/spider/articles"),
        body_fallbacks=sum(_by_suffix(stats, FALLBACK_PREFIX).values()),
        backlog_unwalked=_int(stats, "aggregator/pagination/backlog_unwalked"),
    )


def json_safe(value: Any) -> Any:
    """`value` with every part made storable as JSON on SQLite and PostgreSQL (JSONB).

    Datetimes become ISO strings, durations seconds, non-finite floats strings;
    NUL characters, which JSONB refuses, are removed; anything else unknown
    becomes its `str()`.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {json_safe(str(key)): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [json_safe(item) for item in items]
    return json_safe(str(value))
