"""A run the site lock refuses: it leaves its stats and its skipped row, and touches no article."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from aggregator.run.lock import SiteFileLock
from aggregator.store.models import Article
from aggregator.store.spool import SpoolFile
from tests.integration.test_operations import operator_settings, stored_runs, write_site
from tests.support import CrawlResult, run_scrapy
from tests.unit.test_store_spool import article


@contextmanager
def held_lock(workdir: Path, site: str) -> Iterator[None]:
    """The site's lock held by this process, as a crawl still running would hold it."""
    lock = SiteFileLock(workdir / "locks" / f"{site}.lock")
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def refused_crawl(workdir: Path) -> CrawlResult:
    settings = {
        **operator_settings(workdir),
        "AGGREGATOR_LOCK_DIR": str(workdir / "locks"),
        "AGGREGATOR_SPOOL_DIR": str(workdir / "spool"),
    }
    write_site(workdir, "fixture_news", "http://127.0.0.1:9/category/news/")
    with held_lock(workdir, "fixture_news"):
        result = run_scrapy(["crawl", "fixture_news"], cwd=workdir, settings=settings)
    assert result.returncode == 75, result.log[-3000:]
    assert "Not crawling fixture_news: another crawl of it is still running (pid " in result.log
    return result


def test_a_refused_run_writes_its_stats_file(tmp_path: Path) -> None:
    result = refused_crawl(tmp_path)
    assert result.stats["aggregator/lock/refused"] == 1
    assert result.stats["finish_reason"] == "already_running"
    assert result.stats.get("downloader/request_count", 0) == 0


def test_a_refused_run_opens_no_pipeline_and_leaves_the_spool_alone(tmp_path: Path) -> None:
    # Articles a killed crawl left behind: the next crawl that runs replays them, not this one.
    leftover = SpoolFile.create(tmp_path / "spool", "fixture_news")
    leftover.append(article(1))
    leftover.close()
    spooled = leftover.path.read_bytes()

    result = refused_crawl(tmp_path)

    log = result.log
    assert log.index("Not crawling fixture_news") < log.index("Spider opened")
    assert "Replayed" not in log and "Database unusable" not in log
    assert list((tmp_path / "spool").iterdir()) == [leftover.path]
    assert leftover.path.read_bytes() == spooled
    engine = create_engine(f"sqlite:///{tmp_path / 'news.db'}")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
    engine.dispose()
    (run,) = stored_runs(tmp_path)  # the run itself is still recorded, as skipped
    assert (run.status, run.finish_reason) == ("skipped", "already_running")
