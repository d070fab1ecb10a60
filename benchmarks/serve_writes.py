"""What keeping the search index current (migration 0005) costs the store's writes.

    .venv/bin/python benchmarks/serve_writes.py [--articles 1000] [--postgres URL]

`--articles` sample-site articles (5 paragraphs) are saved through
`ArticleRepository.save_batch` in batches of 100 into a fresh database at
revision 0003 (no search index) and at 0005, twice each, alternating, on
PostgreSQL (scratch databases, dropped) and SQLite (temporary files). Prints
new articles per second; compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.items import ArticleItem  # noqa: E402
from aggregator.store.repository import ArticleRepository  # noqa: E402
from aggregator.store.schema import open_engine, upgrade  # noqa: E402
from benchmarks.serve import DEFAULT_POSTGRES, scratch_database  # noqa: E402
from benchmarks.store import make_items  # noqa: E402


def rate(url: str, revision: str, items: list[ArticleItem]) -> float:
    engine = open_engine(url)
    upgrade(engine, revision)
    repository = ArticleRepository(engine)
    started = time.perf_counter()
    for first in range(0, len(items), 100):
        repository.save_batch(items[first : first + 100])
    elapsed = time.perf_counter() - started
    engine.dispose()
    return len(items) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    items = make_items(args.articles, site="bench", seed=3)
    for revision in ("0003", "0005", "0003", "0005"):
        with scratch_database(args.postgres) as url:
            postgres = rate(url, revision, items)
        with tempfile.TemporaryDirectory() as directory:
            sqlite = rate(f"sqlite:///{directory}/writes.db", revision, items)
        print(f"{revision}: PostgreSQL {postgres:5.0f} new articles/s, SQLite {sqlite:5.0f}")


if __name__ == "__main__":
    main()
