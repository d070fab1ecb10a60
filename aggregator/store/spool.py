"""The spool: JSON-lines files of scraped articles that are not (yet) known to be in the database.

Each crawl writes its own file, `<dir>/<spider>-<random>.jsonl`, and holds an
exclusive `flock` on it while it runs, so concurrent crawls never share one
and a replay never takes a file that a live crawl is still writing. An item
is appended (written to the operating system, which survives SIGKILL) as
soon as the store pipeline takes it (while a batch is being written to the
database, the next items wait their turn); the file is fsynced before each
batch is committed. The file keeps its own offsets: the lines after the last
`commit` or `keep` are the pending batch; `commit` cuts them off (they are
in the database now), `keep` leaves them for a replay. What remains in a file
is exactly what the database does not have: batches that failed, and after a
kill, the items in flight. `scrapy db replay` and the next crawl's start
store them and delete the file.

A line is written whole or not at all: when the disk refuses part of it
(full, read-only, a quota), the file is cut back to where the line began and
`SpoolUnwritable` is raised, so the next line never lands behind a torn one.
Text that is not valid Unicode (a lone surrogate from a page's JSON) is
written with U+FFFD in its place rather than losing the item. Lines that
cannot be read back (a line torn by a kill mid-write, or a power cut) are
moved to `rejected-<file>` beside it, never dropped in silence.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from aggregator.items import ArticleItem
from aggregator.store.records import item_from_record, item_to_record, valid_unicode

SUFFIX = ".jsonl"
REJECTED_PREFIX = "rejected-"


def _lock(handle: IO[bytes]) -> bool:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class SpoolUnwritable(OSError):
    """The spool cannot take a line (disk full, read-only, no permission); the file is intact."""


def encode_line(item: ArticleItem) -> bytes:
    """One JSON line for `item`; never fails on text that is not valid Unicode."""
    line = json.dumps(item_to_record(item), ensure_ascii=False, separators=(",", ":"))
    try:
        return line.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return valid_unicode(line).encode("utf-8") + b"\n"


class SpoolFile:
    """An open, locked spool file: committed lines are cut off, kept ones stay for a replay."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle = handle
        self._fd = handle.fileno()
        self._end = os.lseek(self._fd, 0, os.SEEK_END)
        # Where the lines of the batch not yet committed or kept begin.
        self._pending = self._end

    @classmethod
    def create(cls, directory: Path, name: str) -> SpoolFile:
        """A new, empty spool file for one crawl, locked by this process.

        It is created and locked under a name replays do not look at, then
        renamed: otherwise a replay could claim (and delete) it in between.
        """
        directory.mkdir(parents=True, exist_ok=True)
        stem = f"{name}-{uuid.uuid4().hex[:12]}"
        hidden = directory / f".{stem}.creating"
        handle = hidden.open("xb")
        if not _lock(handle):
            raise RuntimeError(f"cannot lock the new spool file {hidden}")
        path = directory / f"{stem}{SUFFIX}"
        os.rename(hidden, path)
        return cls(path, handle)

    @classmethod
    def claim(cls, path: Path) -> SpoolFile | None:
        """Lock an existing spool file, or None when a running crawl holds it or it is gone."""
        try:
            handle = path.open("r+b")
        except FileNotFoundError:
            return None
        if not _lock(handle):
            handle.close()
            return None
        handle.seek(0, os.SEEK_END)
        return cls(path, handle)

    def append(self, item: ArticleItem) -> None:
        """Add one item; it survives the death of this process (not a power cut: see `sync`).

        Raises `SpoolUnwritable`, with the file as it was before, when the disk refuses it.
        """
        data = memoryview(encode_line(item))
        written = 0
        try:
            # Unbuffered: a short write must be seen here, not at some later flush.
            while written < len(data):
                written += os.pwrite(self._fd, data[written:], self._end + written)
        except OSError as exc:
            self._truncate(self._end)
            raise SpoolUnwritable(
                exc.errno, f"cannot write the spool {self.path}: {exc.strerror or exc}"
            ) from exc
        self._end += written

    def sync(self) -> None:
        """Make everything appended so far durable (raises OSError when the disk refuses)."""
        os.fsync(self._fd)

    def tell(self) -> int:
        """The current end of the file (where the next item will start)."""
        return self._end

    @property
    def pending(self) -> bool:
        """Whether lines were appended since the last `commit` or `keep`."""
        return self._end > self._pending

    def commit(self) -> None:
        """The pending lines are in the database now: cut them off."""
        self.cut(self._pending)

    def keep(self) -> None:
        """The pending lines stay in the file for a replay; later lines form the next batch."""
        self._pending = self._end

    def cut(self, offset: int) -> None:
        """Drop everything after `offset`: those items are in the database now."""
        self._truncate(offset)
        self._pending = min(self._pending, offset)
        self.sync()

    def _truncate(self, offset: int) -> None:
        # Truncating frees space, so it works on a full disk too.
        os.ftruncate(self._fd, offset)
        self._end = offset

    def read(self) -> SpoolContents:
        """Every item in the file, and the lines that could not be read back."""
        contents = SpoolContents()
        with self.path.open("rb") as reader:
            for raw in reader:
                try:
                    contents.items.append(item_from_record(json.loads(raw)))
                except (ValueError, TypeError) as exc:
                    contents.rejected.append((raw.rstrip(b"\n"), str(exc)))
        return contents

    def reject(self, lines: list[tuple[bytes, str]]) -> Path:
        """Keep unreadable lines beside the spool, in `rejected-<name>`."""
        target = self.path.with_name(REJECTED_PREFIX + self.path.name)
        with target.open("ab") as out:
            for raw, _reason in lines:
                out.write(raw + b"\n")
        return target

    def close(self, *, delete_if_empty: bool = True) -> None:
        """Release the lock; an empty file is removed."""
        if delete_if_empty and self.tell() == 0:
            self.path.unlink(missing_ok=True)
        self._handle.close()

    def delete(self) -> None:
        """Remove the file (its items are stored) and release the lock."""
        self.path.unlink(missing_ok=True)
        self._handle.close()

    def release(self) -> None:
        """Release the lock and keep the file, whatever it holds (idempotent)."""
        self._handle.close()


@dataclass
class SpoolContents:
    """What a spool file held."""

    items: list[ArticleItem] = field(default_factory=list)
    rejected: list[tuple[bytes, str]] = field(default_factory=list)


def leftover_files(directory: Path) -> Iterator[Path]:
    """Spool files in `directory`, oldest first (rejected-line files excluded)."""
    if not directory.is_dir():
        return iter(())
    paths = [
        path for path in directory.glob(f"*{SUFFIX}") if not path.name.startswith(REJECTED_PREFIX)
    ]

    def age(path: Path) -> tuple[float, str]:
        try:
            return path.stat().st_mtime, path.name
        except FileNotFoundError:
            # Another crawl removed its empty spool since the listing: it sorts first,
            # and `SpoolFile.claim` then finds it gone.
            return 0.0, path.name

    return iter(sorted(paths, key=age))
