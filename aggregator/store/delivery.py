"""Getting articles into the database whatever happens: careful batch saves and spool replay.

`save_or_isolate` saves a batch; when the database refuses it for a reason
that is not the connection (one article with a value the database rejects),
it saves the items one by one so that a single bad article cannot hold back
the others, and hands back the ones refused with the reason. When the
database cannot be reached at all it raises `DatabaseUnavailable`, and the
caller keeps the batch in the spool.

`replay_spool` stores every leftover spool file that no running crawl holds,
and deletes each file once all its items are in (items the database still
refuses stay in their file; unreadable lines go to a `rejected-` file).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError

from aggregator.items import ArticleItem
from aggregator.store.plans import Outcome
from aggregator.store.repository import ArticleRepository
from aggregator.store.spool import SpoolFile, leftover_files

Refused = list[tuple[ArticleItem, str]]


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or used; the items must stay spooled."""


def _first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def save_or_isolate(
    repository: ArticleRepository, items: Sequence[ArticleItem]
) -> tuple[list[Outcome], Refused]:
    """Save `items`; (outcomes of those stored, [(item, reason)] of those refused)."""
    try:
        return repository.save_batch(items), []
    except (OperationalError, InterfaceError) as exc:
        raise DatabaseUnavailable(_first_line(exc)) from exc
    except Exception as exc:
        # Whatever else goes wrong (a constraint, a value no column takes, a bug) is
        # the fault of some item: find it, store the others, keep it spooled with a reason.
        if len(items) == 1:
            return [], [(items[0], _first_line(exc))]
    outcomes: list[Outcome] = []
    refused: Refused = []
    for item in items:
        stored, bad = save_or_isolate(repository, [item])
        outcomes += stored
        refused += bad
    return outcomes, refused


@dataclass
class ReplayReport:
    """What a replay did."""

    files: int = 0
    """Spool files read."""
    outcomes: Counter[str] = field(default_factory=Counter)
    """Stored items by outcome (inserted, updated, unchanged, duplicate_…)."""
    refused: int = 0
    """Items the database refused; they stay in their spool file."""
    rejected_lines: int = 0
    """Unreadable lines moved to `rejected-` files."""
    busy: int = 0
    """Files skipped because a running crawl holds them."""
    error: str | None = None
    """Why the replay stopped early (database unavailable), or None."""

    @property
    def stored(self) -> int:
        return sum(self.outcomes.values())


def replay_spool(
    directory: Path,
    repository: ArticleRepository,
    batch_size: int,
    *,
    skip: Path | None = None,
) -> ReplayReport:
    """Store every claimable spool file in `directory` (but `skip`, this crawl's own)."""
    report = ReplayReport()
    for path in leftover_files(directory):
        if skip is not None and path == skip:
            continue
        spool = SpoolFile.claim(path)
        if spool is None:
            report.busy += 1
            continue
        try:
            _replay_file(spool, repository, batch_size, report)
        except DatabaseUnavailable as exc:
            report.error = str(exc)
            break
        finally:
            spool.release()
    return report


def keep_refused(directory: Path, name: str, items: Sequence[ArticleItem]) -> Path:
    """A new, durable spool file holding `items`, released for later replays."""
    kept = SpoolFile.create(directory, f"{name}-refused")
    for item in items:
        kept.append(item)
    kept.sync()
    kept.release()
    return kept.path


def _replay_file(
    spool: SpoolFile, repository: ArticleRepository, batch_size: int, report: ReplayReport
) -> None:
    """Store one file's items; the file changes only once every batch went through."""
    report.files += 1
    contents = spool.read()
    refused: Refused = []
    size = max(1, batch_size)
    for start in range(0, len(contents.items), size):
        outcomes, bad = save_or_isolate(repository, contents.items[start : start + size])
        report.outcomes.update(outcome.value for outcome in outcomes)
        refused += bad
    if contents.rejected:
        spool.reject(contents.rejected)
        report.rejected_lines += len(contents.rejected)
    report.refused += len(refused)
    if refused:
        # Into a new file first, so that no moment exists where they are nowhere.
        keep_refused(spool.path.parent, spool.path.stem, [item for item, _ in refused])
    spool.delete()
