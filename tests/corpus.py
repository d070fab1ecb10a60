"""The shared corpus of real news pages (`../shared/corpus` beside the clone), for saved-page tests.

Outside CI a missing corpus skips the tests that read it; under CI=true it fails them, since
CI always has the corpus beside its clone.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# A clone has the corpus beside it; a git worktree (/work/wt/NAME) one level further up.
CANDIDATES = (REPO.parent / "shared" / "corpus", REPO.parent.parent / "shared" / "corpus")


@cache
def corpus() -> Path:
    """The corpus directory (skips, or fails under CI, when it is missing)."""
    for path in CANDIDATES:
        if (path / "truth.jsonl").is_file():
            return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"the shared corpus is missing (looked in {', '.join(map(str, CANDIDATES))})")
    pytest.skip("the shared corpus is not beside this clone")


@cache
def truths() -> dict[str, dict[str, Any]]:
    """Every page's truth record, by id ("0001" …)."""
    lines = (corpus() / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, filter(None, lines))}


def page_html(page: str) -> bytes:
    """The raw bytes of corpus page `page` (UTF-8)."""
    return (corpus() / "pages" / f"{page}.html").read_bytes()
