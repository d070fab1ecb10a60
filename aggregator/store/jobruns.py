"""The `crawl_runs` SQL of the job queue: when each site last ran, and runs lost with their job.

`last_started` serves `scrapy enqueue --due` and `scrapy scheduler`: the
newest `started_at` per site, every run counted (refused `skipped` ones too:
a site whose crawl was just attempted is not due again before its interval).

`mark_lost` closes the `running` rows of a queue job whose crawl process
died without writing its end (the crawl was SIGKILLed, or its worker was):
status `lost`, with the reason as finish reason. A crawl that is in fact
still closing overwrites this with its own outcome when it finishes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, inspect, select, update

from aggregator.store.models import CrawlRun

LOST = "lost"


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


def mark_lost(engine: Engine, job_id: str, reason: str, now: datetime) -> int:
    """Mark the job's `running` rows `lost`; how many there were."""
    statement = (
        update(CrawlRun)
        .where(CrawlRun.job_id == job_id, CrawlRun.status == "running")
        .values(status=LOST, finish_reason=reason, finished_at=now)
    )
    with engine.begin() as conn:
        return conn.execute(statement).rowcount
