"""MinHash fingerprints: copies score high, different stories low, and every process agrees."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from aggregator.demo.site import generate_articles
from aggregator.store.fingerprint import BANDS, PERMUTATIONS, fingerprint, similarity
from tests.fixtures.syndication import syndicated_copy
from tests.support import ROOT

STORIES = generate_articles(datetime(2024, 7, 5, tzinfo=UTC), 40, timezone="UTC", seed=5)


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def test_a_syndicated_copy_scores_above_the_default_threshold() -> None:
    for story in STORIES[:10]:
        original = fingerprint(body(story.paragraphs))
        copy = fingerprint(body(syndicated_copy(story).paragraphs))
        assert 0.7 <= similarity(original.signature, copy.signature) < 1.0
        assert set(original.band_keys) & set(copy.band_keys), "a copy must share a band"


def test_different_stories_from_the_same_templates_score_low() -> None:
    prints = [fingerprint(body(s.paragraphs)) for s in STORIES]
    scores = [
        similarity(a.signature, b.signature) for i, a in enumerate(prints) for b in prints[i + 1 :]
    ]
    assert max(scores) < 0.4


def test_layout_and_case_do_not_change_the_fingerprint() -> None:
    text = body(STORIES[0].paragraphs)
    reflowed = "  ".join(text.upper().split())
    assert fingerprint(text) == fingerprint(reflowed)
    assert similarity(fingerprint(text).signature, fingerprint(text).signature) == 1.0


def test_shape_of_a_fingerprint_and_short_or_empty_texts() -> None:
    for text in ("", "one", "a b c d e f"):
        print_ = fingerprint(text)
        assert len(print_.signature) == PERMUTATIONS * 4
        assert len(print_.band_keys) == BANDS
        assert all(0 <= key < 2**63 for key in print_.band_keys)
    assert similarity(b"", b"") == 0.0


def test_fingerprints_do_not_depend_on_the_process() -> None:
    code = (
        "from aggregator.store.fingerprint import fingerprint;"
        "print(fingerprint('Story text repeated here for a test of shingles').band_keys)"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    here = str(fingerprint("Story text repeated here for a test of shingles").band_keys)
    assert outputs == {here + "\n"}
