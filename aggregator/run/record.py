"""A crawl's `crawl_runs` row: opened as `running`, closed with its real outcome or spooled.

The crawl run opens the row when the spider opens (an empty database gets
its schema first) and closes it when the spider closes. A database that is
down never stops the crawl. Closing is retried (`AGGREGATOR_RUN_RECORD_RETRY_DELAYS`,
seconds between attempts) because a database that was down mid-crawl is
often back by the end; when every attempt fails, the finished record is
written atomically to `<AGGREGATOR_SPOOL_DIR>/runs/` and `scrapy db replay`
closes the row from it later, so a run row says `running` only for a crawl
still going or one that was killed. The past runs the `items_drop` check
compares against are read here too.

Settings: `AGGREGATOR_DATABASE_URL`, `AGGREGATOR_SPOOL_DIR`,
`AGGREGATOR_RUN_RECORD_RETRY_DELAYS`.
Stats (counted by the crawl run): `aggregator/runs/not_recorded` (the row could not be closed).
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from aggregator.health.figures import RunFigures, figures_from_stats
from aggregator.run.files import write_atomically
from aggregator.store.bounds import DEFAULT_TIMEOUT
from aggregator.store.runs import CrawlRunRepository, RunRecord
from aggregator.store.schema import SchemaError, open_engine, prepare_schema

logger = logging.getLogger(__name__)
RUNS_DIR = "runs"
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SpooledRun:
    """A finished run's record kept on disk while its row could not be written."""

    path: Path
    run_id: int | None
    record: RunRecord


def retry_delays(settings: Any) -> list[float]:
    """`AGGREGATOR_RUN_RECORD_RETRY_DELAYS` as seconds; ValueError names what is wrong."""
    delays = []
    for value in settings.getlist("AGGREGATOR_RUN_RECORD_RETRY_DELAYS"):
        try:
            delay = float(value)
        except (TypeError, ValueError):
            delay = math.nan
        if not math.isfinite(delay) or delay < 0:
            raise ValueError(f"expected seconds (numbers 0 or more), got {value!r}")
        delays.append(delay)
    return delays


def first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class RunLedger:
    """The `crawl_runs` row of one crawl."""

    def __init__(
        self,
        database_url: str,
        spool_dir: Path,
        retry_delays: Sequence[float],
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.database_url = database_url
        self.timeout = timeout
        self.spool_dir = spool_dir
        self.retry_delays = tuple(retry_delays)
        self.run_id: int | None = None

    def _engine(self) -> Engine:
        engine = open_engine(self.database_url, timeout=self.timeout)
        try:
            prepare_schema(engine)
        except BaseException:
            engine.dispose()
            raise
        return engine

    def open(
        self,
        *,
        spider: str,
        site: str,
        started_at: datetime,
        identity: dict[str, Any] | None = None,
    ) -> None:
        """Insert the `running` row; a database that is down is said once, at close."""
        try:
            engine = self._engine()
        except (SQLAlchemyError, SchemaError) as exc:
            logger.debug("Crawl run not started in the database: %s", exc)
            return
        try:
            # No idle connection is held for the hours a crawl may take: close reconnects.
            self.run_id = CrawlRunRepository(engine).start(
                spider=spider, site=site, started_at=started_at, **(identity or {})
            )
        except SQLAlchemyError as exc:
            logger.debug("Crawl run not started in the database: %s", exc)
        finally:
            engine.dispose()

    def history(self, *, spider: str, site: str, limit: int) -> list[RunFigures] | None:
        """Figures of the latest completed runs, newest first; None when unreadable."""
        engine = None
        try:
            engine = open_engine(self.database_url, timeout=self.timeout)
            repository = CrawlRunRepository(engine)
            if not repository.has_table():
                return []
            past = repository.history(spider=spider, site=site, limit=limit)
        except SQLAlchemyError as exc:
            logger.warning("Past runs unreadable, items_drop not checked: %s", exc)
            return None
        finally:
            if engine is not None:
                engine.dispose()
        return [figures_from_stats(stats) for stats in past]

    def _close_once(self, record: RunRecord) -> None:
        engine = self._engine()
        try:
            self.run_id = CrawlRunRepository(engine).finish(self.run_id, record)
        finally:
            engine.dispose()

    async def close(self, record: RunRecord, sleep: Sleep) -> bool:
        """Close the row with `record`, retrying; False when it is spooled (or lost) instead."""
        delays = (*self.retry_delays, None)
        for attempt, delay in enumerate(delays, start=1):
            try:
                self._close_once(record)
                return True
            except (SQLAlchemyError, SchemaError) as exc:
                if delay is None:
                    self._give_up(record, exc)
                    return False
                logger.warning(
                    "Crawl run not recorded yet (attempt %d of %d, again in %gs): %s",
                    attempt,
                    len(delays),
                    delay,
                    first_line(exc),
                )
            await sleep(delay)
        return False  # pragma: no cover - the loop returns on its last attempt

    def _give_up(self, record: RunRecord, exc: BaseException) -> None:
        row = f"row {self.run_id} stays 'running'" if self.run_id else "no row"
        path = self.spool_path(record)
        data = {"run_id": self.run_id, "record": record.to_json()}
        try:
            write_atomically(path, json.dumps(data))
        except OSError as error:
            logger.error(
                "Crawl run not recorded, the database is unusable (%s) and the record could "
                "not be kept in %s (%s): %s; the stats file still has the run's stats",
                first_line(exc),
                path,
                error,
                row,
            )
            return
        logger.error(
            "Crawl run not recorded, the database is unusable: %s; %s until `scrapy db "
            "replay` closes it from %s",
            first_line(exc),
            row,
            path,
        )

    def spool_path(self, record: RunRecord) -> Path:
        stamp = record.finished_at.strftime("%Y%m%dT%H%M%S")
        return self.spool_dir / RUNS_DIR / f"{record.spider}-{stamp}-{os.getpid()}.json"


def spooled_runs(spool_dir: Path) -> list[Path]:
    """The run records left in the spool, oldest first by name."""
    return sorted((spool_dir / RUNS_DIR).glob("*.json"))


def replay_runs(spool_dir: Path, engine: Engine) -> tuple[int, list[str]]:
    """Close the rows of spooled run records; (rows closed, problems). Raises SQLAlchemyError."""
    closed, problems = 0, []
    repository = CrawlRunRepository(engine)
    for path in spooled_runs(spool_dir):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            record = RunRecord.from_json(data["record"])
            run_id = data.get("run_id")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path}: unreadable run record ({exc}); left in place")
            continue
        repository.finish(run_id if isinstance(run_id, int) else None, record)
        path.unlink()
        closed += 1
    return closed, problems
