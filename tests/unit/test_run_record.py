"""A run's `crawl_runs` row: closed on a later attempt, else spooled and closed by replay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.cli import check_settings, in_memory
from aggregator.run.record import RunLedger, replay_runs, retry_delays, spooled_runs
from aggregator.store.models import CrawlRun
from aggregator.store.runs import FAILED, RunRecord
from aggregator.store.schema import open_engine, prepare_schema

T0 = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


def record() -> RunRecord:
    return RunRecord(
        spider="el_diario",
        site="el_diario",
        started_at=T0,
        finished_at=T0.replace(minute=5),
        finish_reason="finished",
        status=FAILED,
        failed_checks=["unstored_articles"],
        stats={"aggregator/store/spooled": 3},
        counts={"items_new": 2, "requests": 9},
    )


def rows(url: str) -> list[tuple[str, str | None, int, int]]:
    engine = open_engine(url)
    with Session(engine) as session:
        found = [
            (run.status, run.finish_reason, run.items_new, run.requests)
            for run in session.scalars(select(CrawlRun))
        ]
    engine.dispose()
    return found


def test_a_row_is_closed_when_the_database_is_back_before_the_last_attempt(
    tmp_path: Path,
) -> None:
    home = tmp_path / "later"
    url = f"sqlite:///{home / 'news.db'}"
    ledger = RunLedger(url, tmp_path / "spool", retry_delays=[0.0, 0.0])
    attempts: list[float] = []

    async def sleep(seconds: float) -> None:
        attempts.append(seconds)
        home.mkdir(exist_ok=True)  # the database comes back while the crawl run waits

    assert asyncio.run(ledger.close(record(), sleep)) is True
    assert attempts == [0.0]
    assert rows(url) == [(FAILED, "finished", 2, 9)]
    assert spooled_runs(tmp_path / "spool") == []


def test_a_row_that_cannot_be_closed_is_spooled_and_replay_closes_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    engine = open_engine(url)
    prepare_schema(engine)
    started = RunLedger(url, tmp_path / "spool", retry_delays=[])
    started.open(spider="el_diario", site="el_diario", started_at=T0)
    assert rows(url) == [("running", None, 0, 0)]
    started.database_url = f"sqlite:///{tmp_path / 'gone' / 'news.db'}"  # the database is lost

    async def sleep(seconds: float) -> None:
        raise AssertionError("no retry was configured")

    assert asyncio.run(started.close(record(), sleep)) is False
    (path,) = spooled_runs(tmp_path / "spool")
    assert f"row {started.run_id} stays 'running' until `scrapy db replay`" in caplog.text

    assert replay_runs(tmp_path / "spool", engine) == (1, [])
    assert rows(url) == [(FAILED, "finished", 2, 9)]
    assert not path.exists()
    engine.dispose()


@pytest.mark.parametrize("value", ["x", "-1", "nan", "1,inf"])
def test_malformed_retry_delays_are_one_usage_line(value: str) -> None:
    with pytest.raises(UsageError, match="setting AGGREGATOR_RUN_RECORD_RETRY_DELAYS: expected"):
        check_settings(Settings({"AGGREGATOR_RUN_RECORD_RETRY_DELAYS": value}))


def test_retry_delays_are_read_as_seconds() -> None:
    assert retry_delays(Settings({"AGGREGATOR_RUN_RECORD_RETRY_DELAYS": "0.5,2"})) == [0.5, 2.0]
    assert retry_delays(Settings({"AGGREGATOR_RUN_RECORD_RETRY_DELAYS": ""})) == []


@pytest.mark.parametrize(
    ("url", "memory"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:///file:x?mode=memory&uri=true", True),
        ("sqlite:///news.db", False),
        ("postgresql://u@localhost/news", False),
    ],
)
def test_in_memory_sqlite_urls_are_recognised(url: str, memory: bool) -> None:
    assert in_memory(url) is memory
