"""Files the crawl run writes, written atomically: the stats file.

A file is written to a temporary file in the same directory, flushed to
disk, then renamed over the target, so a reader (or a full disk, or a kill)
sees the old file or the new one, never a truncated or empty one; a failed
write removes its temporary file and logs one line saying the old file, if
any, was kept.

The stats file holds a crawl's final stats as JSON (datetimes as ISO 8601),
for scripts, benchmarks and tests: Scrapy prints them in the log as a Python
repr, which other programs cannot read back.

Settings: `AGGREGATOR_STATS_FILE` (a path; empty switches it off; `{spider}`
in it becomes the spider's name, so one setting serves `scrapy crawlall`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aggregator.health.figures import json_safe

logger = logging.getLogger(__name__)


def write_atomically(target: Path, text: str) -> None:
    """Replace `target` with `text` in one rename; raises OSError, leaving the old file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def stats_file_path(template: str, spider: str) -> Path:
    return Path(template.replace("{spider}", spider))


def write_stats_file(template: str, spider: str, stats: Mapping[str, Any]) -> bool:
    """Write `stats` as JSON to the stats file; False (and one logged line) when it failed."""
    target = stats_file_path(template, spider)
    try:
        write_atomically(target, json.dumps(json_safe(dict(stats)), indent=1))
    except OSError as exc:
        kept = "the previous file is kept" if target.exists() else "no file written"
        logger.error("Could not write the stats file %s (%s): %s", target, kept, exc)
        return False
    return True
