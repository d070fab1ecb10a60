"""`scrapy serve` benchmark: the cursor query and a search over many articles in PostgreSQL.

    .venv/bin/python benchmarks/serve.py [--articles 1000000] [--requests 2000]
                                         [--concurrency 4] [--postgres URL]

1. A scratch database is created, upgraded to head (migration 0005's search
   index included) and filled with `--articles` synthetic articles, written by
   PostgreSQL itself from `generate_series` in chunks of 100,000,
   then analysed (the search trigger is off while loading; the search table is
   filled and indexed once after).
2. `scrapy serve --port 0` runs over it in its own process; a load generator
   (aiohttp client, `--concurrency` connections kept alive, on loopback) sends
   `--requests` requests of each kind:
   - cursor: `GET /api/articles?since=N&limit=100`, N drawn at random;
   - search (rare word): `GET /api/articles?q=tagNNN&limit=100` (each tag is in 1 in
     1,000 articles);
   - search (a word in about 3 % of articles, then one in nearly all):
     `GET /api/articles?q=w200&limit=100`, `q=w0`.
   It prints requests per second, p50 / p95 / p99 latency and the server's CPU
   time per request (read from /proc, steadier than wall time on a shared machine).
3. The database is dropped, whatever happened.

The load generator shares the machine's cores with the server and the database:
latencies include that contention.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from aggregator.store.schema import open_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = os.environ.get(
    "AGGREGATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CHUNK = 100_000
WORDS = 5000
# Bodies of 60 words drawn from WORDS pseudo-words with a skewed (Zipf-like) law, as in
# prose: w0 is in nearly every article, w200 in about 3 %, each tagNNN in exactly 0.1 %.
FILL = f"""
INSERT INTO articles (url, site, title, body, summary, authors, published_at, published_raw,
    published_source, published_precision, category, tags, language, content_hash,
    first_seen_at, last_seen_at, updated_at, change_seq)
SELECT 'https://site' || (i % 20) || '.example/story/' || i,
       'site' || (i % 20),
       'Story ' || i || ' from site ' || (i % 20),
       'Story ' || i || ' tag' || (i % 1000) || ' ' ||
           (SELECT string_agg('w' || floor(power(random(), 3) * {WORDS})::int, ' ')
            FROM generate_series(1, 60 + i * 0) AS k),
       NULL, '["Ann Writer"]'::jsonb,
       TIMESTAMPTZ '2024-07-05 12:00:00+00' - i * INTERVAL '1 minute',
       'i minutes ago', 'time', 'minute', 'News', '["news"]'::jsonb, 'en', md5(i::text),
       TIMESTAMPTZ '2024-07-05 12:00:00+00', TIMESTAMPTZ '2024-07-05 12:00:00+00',
       TIMESTAMPTZ '2024-07-05 12:00:00+00', i
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS i
"""


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"aggregator_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(engine: Engine, count: int) -> None:
    started = time.perf_counter()
    with engine.begin() as conn:
        # Bulk load: the search trigger is off while loading, the vectors are made once after.
        conn.execute(text("ALTER TABLE articles DISABLE TRIGGER article_search_refresh"))
        conn.execute(text("DROP INDEX ix_article_search_vector"))
        conn.execute(text("SELECT setseed(0.42)"))
    for first in range(1, count + 1, CHUNK):
        with engine.begin() as conn:
            conn.execute(text(FILL), {"first": first, "last": min(first + CHUNK - 1, count)})
        print(f"  {min(first + CHUNK - 1, count):>9,} rows, {time.perf_counter() - started:.0f} s")
    with engine.begin() as conn:
        conn.execute(text("SET maintenance_work_mem = '256MB'"))
        conn.execute(text("ALTER TABLE articles ENABLE TRIGGER article_search_refresh"))
        conn.execute(
            text(
                "INSERT INTO article_search (article_id, vector) "
                "SELECT id, to_tsvector('simple'::regconfig, title || ' ' || body) FROM articles"
            )
        )
        conn.execute(
            text("CREATE INDEX ix_article_search_vector ON article_search USING gin (vector)")
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE articles"))
        conn.execute(text("VACUUM ANALYZE article_search"))
    print(f"  filled, indexed and analysed in {time.perf_counter() - started:.0f} s")


@contextmanager
def server(url: str) -> Iterator[tuple[str, int]]:
    command = [sys.executable, "-m", "scrapy", "serve", "--port", "0", "--database", url]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "aggregator.settings", "PYTHONPATH": str(ROOT)}
    env.pop("AGGREGATOR_SERVE_TOKEN", None)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("Serving on "):
            raise SystemExit(f"serve did not start: {line!r}")
        yield line.split()[-1].rstrip("/"), process.pid
    finally:
        process.terminate()
        process.wait(30)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(base: str, paths: list[str], concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(paths)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base, connector=connector) as session:

        async def worker() -> None:
            for path in queue:
                started = time.perf_counter()
                async with session.get(path) as response:
                    await response.read()
                    if response.status != 200:
                        raise SystemExit(f"{path}: {response.status}")
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started


def report(label: str, latencies: list[float], elapsed: float, cpu: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    cut = statistics.quantiles(ms, n=100)
    print(
        f"{label:<24} {len(ms) / elapsed:8.0f} req/s   p50 {cut[49]:6.1f} ms   "
        f"p95 {cut[94]:6.1f} ms   p99 {cut[98]:6.1f} ms   "
        f"server CPU {cpu * 1000 / len(ms):5.2f} ms/req"
    )


def run(base: str, pid: int, args: argparse.Namespace) -> None:
    rng = random.Random(7)
    kinds = {
        "cursor since=N": [
            f"/api/articles?since={rng.randrange(args.articles)}&limit=100"
            for _ in range(args.requests)
        ],
        "search rare word": [
            f"/api/articles?q=tag{rng.randrange(1000)}&limit=100" for _ in range(args.requests)
        ],
        "search mid word (3 %)": ["/api/articles?q=w200&limit=100"] * args.requests,
        "search common word": ["/api/articles?q=w0&limit=100"] * args.requests,
    }
    for label, paths in kinds.items():
        asyncio.run(load(base, paths[:50], args.concurrency))  # warm-up
        before = cpu_seconds(pid)
        latencies, elapsed = asyncio.run(load(base, paths, args.concurrency))
        report(label, latencies, elapsed, cpu_seconds(pid) - before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    with scratch_database(args.postgres) as url:
        engine = open_engine(url)
        upgrade(engine)
        print(f"filling {args.articles:,} articles")
        fill(engine, args.articles)
        engine.dispose()
        with server(url) as (base, pid):
            print(f"{args.requests} requests of each kind, {args.concurrency} connections")
            run(base, pid, args)


if __name__ == "__main__":
    main()
