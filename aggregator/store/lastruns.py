"""When each site last started a crawl, for `scrapy enqueue --due` and `scrapy scheduler`.

Read-only, one grouped query over `crawl_runs` (its `site, started_at` index
answers it). Every run counts, refused (`skipped`) ones included: a site
whose crawl was just attempted is not due again before its interval.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, inspect, select

from aggregator.store.models import CrawlRun


def last_started(engine: Engine) -> dict[str, datetime]:
    """The newest `started_at` per site; empty when the database has no runs table yet."""
    if not inspect(engine).has_table(CrawlRun.__tablename__):
        return {}
    query = (
        select(CrawlRun.site, func.max(CrawlRun.started_at))
        .where(CrawlRun.site.is_not(None))
        .group_by(CrawlRun.site)
    )
    with engine.connect() as conn:
        return {site: started for site, started in conn.execute(query) if site and started}
