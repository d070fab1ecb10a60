"""The one-line summary of a crawl run that the crawl run logs at close.

Settings: none. Stats: none (it reads the run's record and figures).
"""

from __future__ import annotations

from aggregator.health.figures import RunFigures
from aggregator.store.runs import RunRecord


def summary_line(site: str, record: RunRecord, figures: RunFigures) -> str:
    """The one line an operator greps for: outcome, items, traffic, dates, freshness."""
    checks = f" ({', '.join(record.failed_checks)})" if record.failed_checks else ""
    codes = ", ".join(f"{code}: {n}" for code, n in figures.responses_by_status.items())
    dates = ", ".join(f"{source} {n}" for source, n in figures.dates_by_source.items())
    age = figures.newest_age_seconds
    newest = f"{age / 60:.0f} min old" if age is not None else "none"
    spooled = f", {figures.items_spooled} spooled" if figures.items_spooled else ""
    # The counted columns as the row stores them, so the line and `scrapy runs` agree.
    count = record.columns()
    return (
        f"Crawl run of {site}: {record.status}{checks}, {record.finish_reason}"
        f" | items {count['items_new']} new, {count['items_updated']} updated,"
        f" {count['items_unchanged']} unchanged, {figures.items_known} known,"
        f" {count['items_duplicate']} duplicate, {count['items_dropped']} dropped{spooled}"
        f" | {count['requests']} requests ({codes or 'no responses'}),"
        f" {figures.retries} retries, {count['errors']} errors"
        f" | dates: {dates or 'none'}, {figures.dates_unparsed} unparsed"
        f" | listing pages {figures.listing_pages}, {figures.listing_without_links} without links"
        f" | newest article {newest}"
    )
