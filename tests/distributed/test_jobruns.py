"""crawl_runs for the queue: last start per site, and the runs of a lost job marked `lost`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from aggregator.store.jobruns import last_started, mark_lost
from aggregator.store.models import CrawlRun
from aggregator.store.schema import open_engine, prepare_schema

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_last_start_per_site_and_lost_runs(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'news.db'}")
    assert last_started(engine) == {}  # no schema yet: every site is due
    prepare_schema(engine)
    with Session(engine) as session, session.begin():
        session.add_all(
            [
                CrawlRun(spider="a", site="a", started_at=T0, status="ok"),
                CrawlRun(
                    spider="a", site="a", started_at=T0 + timedelta(hours=1), status="skipped"
                ),
                CrawlRun(spider="b", site="b", started_at=T0, status="running", job_id="7"),
                CrawlRun(spider="c", site="c", started_at=T0, status="running", job_id="8"),
            ]
        )
    assert last_started(engine) == {"a": T0 + timedelta(hours=1), "b": T0, "c": T0}
    assert mark_lost(engine, "7", "worker_lost", T0 + timedelta(minutes=5)) == 1
    assert mark_lost(engine, "7", "worker_lost", T0 + timedelta(minutes=6)) == 0  # once
    with Session(engine) as session:
        runs = {run.site: run for run in session.query(CrawlRun)}
        assert (runs["b"].status, runs["b"].finish_reason) == ("lost", "worker_lost")
        assert runs["b"].finished_at == T0 + timedelta(minutes=5)
        assert runs["c"].status == "running"
    engine.dispose()
