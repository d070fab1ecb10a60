"""Crawl runs: figures read from stats, JSON-safe stats, the `crawl_runs` repository, the table."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aggregator.cli import format_table
from aggregator.health.figures import figures_from_stats, json_safe
from aggregator.health.rules import CHECKS, Failure
from aggregator.health.verdict import Verdict
from aggregator.reports import RUN_HEADERS, age, duration, run_json, table_row
from aggregator.run.crawl_run import outcome_of
from aggregator.run.outcome import decide, overall_status
from aggregator.run.summary import summary_line
from aggregator.store.runs import FAILED, OK, SKIPPED, CrawlRunRepository, RunRecord
from aggregator.store.schema import open_engine, prepare_schema

T0 = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)

LIVE_STATS: dict[str, Any] = {
    "item_scraped_count": 12,
    "aggregator/store/inserted": 9,
    "aggregator/store/updated": 2,
    "aggregator/store/unchanged": 1,
    "item_dropped_reasons_count/DuplicateArticle": 3,
    "item_dropped_reasons_count/MissingTitle": 2,
    "item_dropped_reasons_count/MissingBody": 1,
    "downloader/request_count": 25,
    "downloader/response_status_count/200": 20,
    "downloader/response_status_count/500": 3,
    "retry/count": 2,
    "downloader/exception_count": 1,
    "log_count/ERROR": 1,
    "aggregator/dates/parsed/jsonld": 8,
    "aggregator/dates/parsed/listing": 3,
    "aggregator/dates/unparsed": 1,
    "aggregator/spider/listing_pages": 4,
    "aggregator/spider/listing_without_links": 1,
    "aggregator/runs/newest_published_at": T0 - timedelta(minutes=29),
    "aggregator/runs/newest_age_seconds": 1740.0,
    "start_time": T0,
    "elapsed_time_seconds": 12.5,
    "finish_reason": "finished",
}


def test_figures_partition_items_and_keep_the_details() -> None:
    figures = figures_from_stats(LIVE_STATS)
    assert (figures.items_new, figures.items_updated, figures.items_unchanged) == (9, 2, 1)
    assert figures.items_duplicate == 3
    assert figures.items_dropped == 3  # duplicates are counted apart
    assert figures.dropped_by_reason == {"DuplicateArticle": 3, "MissingBody": 1, "MissingTitle": 2}
    assert figures.responses_by_status == {"200": 20, "500": 3}
    assert (figures.requests, figures.retries, figures.fetches) == (25, 2, 23)
    assert (figures.download_errors, figures.errors) == (1, 1)
    assert figures.dates_by_source == {"jsonld": 8, "listing": 3}
    assert figures.unparsed_share == pytest.approx(1 / 12)
    assert (figures.listing_pages, figures.listing_without_links) == (4, 1)
    assert figures.newest_published_at == T0 - timedelta(minutes=29)
    assert figures.finish_reason == "finished"


def test_figures_read_the_same_from_stored_json() -> None:
    stored = json.loads(json.dumps(json_safe(LIVE_STATS)))
    assert figures_from_stats(stored) == figures_from_stats(LIVE_STATS)


def test_json_safe_handles_what_stats_hold() -> None:
    value = {
        "when": T0,
        "took": timedelta(seconds=90),
        "ratio": math.nan,
        "text": "a\x00b",
        "seen": {"b", "a"},
        "nested": {1: (T0,)},
        "other": Path("/x"),
    }
    assert json_safe(value) == {
        "when": "2024-07-05T12:00:00+00:00",
        "took": 90.0,
        "ratio": "nan",
        "text": "ab",
        "seen": ["a", "b"],
        "nested": {"1": ["2024-07-05T12:00:00+00:00"]},
        "other": "/x",
    }
    json.dumps(json_safe(value), allow_nan=False)


def record(site: str, minutes: int, status: str = OK, items: int = 10) -> RunRecord:
    """A run as the recorder writes it: columns read from its own stats."""
    started = T0 + timedelta(minutes=minutes)
    stats = {
        **LIVE_STATS,
        "item_scraped_count": items,
        "aggregator/store/inserted": items,
        "log_count/ERROR": minutes % 3,
    }
    figures = figures_from_stats(stats)
    return RunRecord(
        spider=site,
        site=site,
        started_at=started,
        finished_at=started + timedelta(seconds=75),
        finish_reason="finished",
        status=status,
        failed_checks=["no_articles"] if status == FAILED else [],
        stats=json_safe(stats),
        counts=figures.counted_columns(),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> CrawlRunRepository:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'runs.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = open_engine(url)
    prepare_schema(engine)
    request.addfinalizer(engine.dispose)
    return CrawlRunRepository(engine)


def test_a_run_is_started_then_finished_in_place(repository: CrawlRunRepository) -> None:
    run_id = repository.start(spider="news", site="el_diario", started_at=T0)
    (running,) = repository.recent()
    assert (running.id, running.status, running.finished_at) == (run_id, "running", None)
    assert repository.finish(run_id, record("el_diario", 0)) == run_id
    (done,) = repository.recent()
    assert (done.status, done.items_new, done.finished_at) == (OK, 10, T0 + timedelta(seconds=75))
    assert done.stats["aggregator/runs/newest_published_at"] == "2024-07-05T11:31:00+00:00"


def test_a_run_not_started_is_inserted_whole(repository: CrawlRunRepository) -> None:
    run_id = repository.finish(None, record("el_diario", 0, FAILED))
    (run,) = repository.recent()
    assert run.id == run_id and run.failed_checks == ["no_articles"]


def test_history_is_completed_runs_of_that_spider_and_site_newest_first(
    repository: CrawlRunRepository,
) -> None:
    for minutes, status, items in [(0, OK, 1), (1, FAILED, 2), (2, SKIPPED, 3), (3, OK, 4)]:
        repository.finish(None, record("a", minutes, status, items))
    repository.finish(None, record("b", 4, OK, 5))
    repository.start(spider="a", site="a", started_at=T0 + timedelta(minutes=5))
    history = repository.history(spider="a", site="a", limit=2)
    assert [stats["item_scraped_count"] for stats in history] == [4, 2]


def test_previous_skips_skipped_runs_and_breaks_ties_by_id(
    repository: CrawlRunRepository,
) -> None:
    first = repository.finish(None, record("a", 0))
    repository.finish(None, record("a", 0, SKIPPED))  # same start time, as under a frozen clock
    third = repository.finish(None, record("a", 0))
    newest = repository.recent(site="a", limit=1)[0]
    assert newest.id == third
    previous = repository.previous(newest)
    assert previous is not None and previous.id == first
    assert repository.previous(previous) is None


def test_last_runs_by_site(repository: CrawlRunRepository) -> None:
    repository.finish(None, record("a", 0, OK))
    repository.finish(None, record("a", 1, FAILED))
    repository.finish(None, record("b", 2, OK))
    last = repository.last_runs(["a", "b", "c"])
    assert {site: run.status for site, run in last.items()} == {"a": FAILED, "b": OK}


def test_the_table_shows_changes_and_flags_failures(repository: CrawlRunRepository) -> None:
    repository.finish(None, record("a", 0, OK, items=12))
    repository.finish(None, record("a", 61, FAILED, items=4))
    newest, older = repository.recent(site="a")
    row = table_row(newest, repository.previous(newest))
    cell = dict(zip(RUN_HEADERS, row, strict=True))
    assert row[3] == "FAILED" and cell["FAILED CHECKS"] == "no_articles"
    assert cell["WORKER"] == "-"  # not started by `scrapy worker`
    assert row[6] == "4 (-8)"  # items against the previous run
    assert row[5] == "0:01:15" and cell["NEWEST"] == "29m"
    assert table_row(older, None)[6] == "12"
    data = run_json(newest, repository.previous(newest))
    assert row[14] == "1 (+1)"  # errors against the previous run
    assert data["change"] == {"articles_seen": -8, "items_new": -8, "requests": 0, "errors": 1}
    assert data["previous_id"] == older.id and data["status"] == FAILED
    assert data["started_at"] == "2024-07-05T13:01:00+00:00"
    assert data["figures"]["responses_by_status"] == {"200": 20, "500": 3}


def test_format_table_aligns_columns() -> None:
    lines = format_table(
        ("SITE", "ITEMS", "FAILED CHECKS"), [["a", "5", "-"], ["long_name", "120", "x"]]
    )
    assert lines == [
        "SITE       ITEMS  FAILED CHECKS",
        "a              5  -",
        "long_name    120  x",
    ]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, "-"), (59, "1m"), (1740, "29m"), (7200, "2h"), (259200, "3d")]
)
def test_age(seconds: float | None, shown: str) -> None:
    assert age(seconds) == shown


def test_duration() -> None:
    assert duration(3725.4) == "1:02:05" and duration(None) == "-"


def test_summary_line_names_everything_an_operator_checks_first() -> None:
    line = summary_line("el_diario", record("el_diario", 0, FAILED), figures_from_stats(LIVE_STATS))
    assert line.startswith("Crawl run of el_diario: failed (no_articles), finished | items 10 new")
    assert "items 10 new, 2 updated, 1 unchanged, 0 known, 3 duplicate, 3 dropped" in line
    assert "25 requests (200: 20, 500: 3), 2 retries, 0 errors" in line
    assert "dates: jsonld 8, listing 3, 1 unparsed" in line
    assert "listing pages 4, 1 without links | newest article 29 min old" in line


def test_overall_status_of_crawlall() -> None:
    assert overall_status([0, 0]) == 0
    assert overall_status([0, 75]) == 75
    assert overall_status([75, 1, 0]) == 1


def outcome(stats: dict[str, Any], *, checks: bool = True) -> tuple[int, str, str]:
    """The outcome the crawl run decides for a crawl that left `stats`.

    What the checks decided is given to `decide` as the crawl run holds it: the
    failed checks as a verdict in the checks' table order, a verdict-less run
    when `aggregator/checks/failed` is missing (the checks raised).
    """
    figures = figures_from_stats(stats)
    failures = tuple(
        Failure(check.name, "")
        for check in CHECKS
        if stats.get(f"aggregator/checks/failed/{check.name}")
    )
    judged = checks and "aggregator/checks/failed" in stats
    verdict = Verdict(figures, failures) if judged else None
    refused = bool(stats.get("aggregator/lock/refused"))
    return decide(figures, verdict, refused=refused, checked=checks).as_tuple()


class NeverStarted:
    """A crawler whose crawl never got as far as building its extensions."""

    spider = None

    def get_extension(self, cls: type) -> None:
        raise RuntimeError("Crawler.get_extension() can only be called after ...")


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        (
            {"finish_reason": "finished", "aggregator/checks/failed": 0, "item_scraped_count": 3},
            (0, "ok", "3 items, 0 new (finished)"),
        ),
        (
            {
                "finish_reason": "finished",
                "aggregator/checks/failed": 2,
                "aggregator/checks/failed/listing_without_links": 1,
                "aggregator/checks/failed/error_rate": 1,
            },
            (1, "failed", "error_rate, listing_without_links"),  # in the checks' order
        ),
        (
            {"finish_reason": "already_running", "aggregator/lock/refused": 1},
            (75, "skipped", "another run of this site is still going"),
        ),
    ],
)
def test_crawl_outcome(stats: dict[str, Any], expected: tuple[int, str, str]) -> None:
    assert outcome(stats) == expected


def test_a_crawl_that_never_started_has_the_not_started_outcome() -> None:
    assert outcome_of(NeverStarted()).as_tuple() == (  # type: ignore[arg-type]
        1,
        "failed",
        "the crawl did not start (see the log)",
    )


def test_a_crawl_whose_checks_gave_no_verdict_fails() -> None:
    # What a crawl looks like when the health checks raised: no verdict.
    stats = {"finish_reason": "finished", "item_scraped_count": 3}
    assert outcome(stats) == (
        1,
        "failed",
        "the health checks gave no verdict (see the log for the error)",
    )
    assert outcome(stats, checks=False) == (0, "ok", "3 items, 0 new (finished)")


def test_a_run_that_leaves_a_backlog_unwalked_says_so_in_its_status() -> None:
    from aggregator.health.figures import figures_from_stats
    from aggregator.reports import status_text
    from aggregator.store.models import CrawlRun

    stats = {"aggregator/pagination/backlog_unwalked": 2}
    assert figures_from_stats(stats).backlog_unwalked == 2
    assert status_text(CrawlRun(status="ok", stats=stats)) == "ok +backlog"
    assert status_text(CrawlRun(status="ok", stats={})) == "ok"
