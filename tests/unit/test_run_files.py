"""Issue 15 item 8: the crawl run writes files atomically; a full disk never leaves 0 bytes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from aggregator.run.files import write_stats_file

# Writes past 64 bytes fail in the child as on a full disk (EFBIG instead of ENOSPC,
# through the same write(2) path); SIGXFSZ is ignored so the write returns an error.
FULL_DISK = textwrap.dedent(
    """
    import logging, resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
    from aggregator.run.files import write_stats_file
    stats = {f"aggregator/test/{n}": n for n in range(200)}
    sys.exit(0 if write_stats_file(sys.argv[1], "el_diario", stats) else 3)
    """
)


def test_a_stats_file_on_a_full_disk_keeps_the_old_file_instead_of_a_0_byte_one(
    tmp_path: Path,
) -> None:
    target = tmp_path / "el_diario.json"
    target.write_text('{"finish_reason": "finished"}')
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path / "{spider}.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert target.read_text() == '{"finish_reason": "finished"}'
    assert f"Could not write the stats file {target} (the previous file is kept)" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["el_diario.json"]  # no temporary left


def test_the_stats_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "site.json"
    target.write_text("old")
    assert write_stats_file(str(tmp_path / "{spider}.json"), "site", {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["site.json"]
