"""Extraction CPU cost per page: `extract_article_html` against parsing alone.

Usage: .venv/bin/python benchmarks/extraction_speed.py [--corpus PATH] [--articles N]
       [--padding-kb KB] [--repeat R]

Prints milliseconds per page (median, mean and max over pages; each page's
figure is the best of R runs, so a context switch does not count, and once
more for a first pass that meets every page once) for two page sets:

- fixture: article pages of the bundled sample site (`NewsSite(padding_kb=90)`:
  a ~95 KB WordPress-like page with a mega-menu, sidebar and JSON-LD/meta);
- corpus: the real pages of the development corpus;

and `extract_listing_html` on the sample site's category pages (50 teasers each).

For each set it times `lxml.html.fromstring` alone (the floor: no extractor can
cost less than one parse) and the whole `extract_article_html`, and prints the
difference: what extraction adds above the parse. The first pass shows the cost
with cold per-class-name caches (the corpus has one page per site). Single
process; pin it to one core (`taskset -c 1`) and repeat, as the machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.demo.site import NewsSite  # noqa: E402
from aggregator.extract import extract_article_html, extract_listing_html  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus")
Page = tuple[str, bytes]


def fixture_pages(count: int, padding_kb: int) -> list[Page]:
    """Article pages of the sample site, as the crawl benchmark serves them."""
    site = NewsSite(datetime(2024, 7, 5, 12, 0, tzinfo=UTC), articles=count, padding_kb=padding_kb)
    base = "http://127.0.0.1:8000"
    return [(base + a.path, site.handle(a.path).body) for a in site.articles]


def fixture_listings(count: int, padding_kb: int) -> list[Page]:
    """Category pages of the sample site (50 teasers each), as the crawl meets them."""
    site = NewsSite(
        datetime(2024, 7, 5, 12, 0, tzinfo=UTC),
        articles=count * 50,
        per_page=50,
        padding_kb=padding_kb,
    )
    base = "http://127.0.0.1:8000"
    paths = [site.listing_path(page) for page in range(1, site.pages + 1)]
    return [(base + path, site.handle(path).body) for path in paths]


def corpus_pages(corpus: Path) -> list[Page]:
    """Every page of the development corpus with its recorded URL."""
    import json

    truths = [
        json.loads(line) for line in (corpus / "truth.jsonl").read_text().splitlines() if line
    ]
    return [(t["url"], (corpus / "pages" / f"{t['id']}.html").read_bytes()) for t in truths]


def per_page_ms(
    pages: list[Page], call: Callable[[bytes, str], object], repeat: int
) -> list[float]:
    """Best-of-`repeat` milliseconds for each page."""
    out: list[float] = []
    for url, raw in pages:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            call(raw, url)
            best = min(best, time.perf_counter() - start)
        out.append(best * 1000)
    return out


def parse_only(raw: bytes, url: str) -> object:
    return lxml.html.fromstring(raw)


def extract(raw: bytes, url: str) -> object:
    return extract_article_html(raw, url, encoding="utf-8")


def listing(raw: bytes, url: str) -> object:
    return extract_listing_html(raw, url, encoding="utf-8")


def _line(name: str, values: list[float]) -> str:
    return (
        f"  {name:<32} median {statistics.median(values):6.2f} ms"
        f"  mean {statistics.fmean(values):6.2f} ms  max {max(values):6.1f} ms"
    )


def report(label: str, pages: list[Page], repeat: int) -> None:
    kb = statistics.median(len(raw) for _, raw in pages) / 1024
    # Imports and compiled patterns, without warming any page's class names.
    extract(b"<html><body><p>warm up</p></body></html>", "http://127.0.0.1/warm-up")
    gc.collect()
    # First pass: each page once, in order, as a crawl meets them (per-class-name
    # caches warm up within a site, stay cold across the corpus's 90 sites).
    first = per_page_ms(pages, extract, 1)
    parse = per_page_ms(pages, parse_only, repeat)
    full = per_page_ms(pages, extract, repeat)
    extra = [f - p for f, p in zip(full, parse, strict=True)]
    print(f"{label}: {len(pages)} pages, median {kb:.0f} KB")
    print(_line("lxml.html.fromstring", parse))
    print(_line("extract_article_html, first pass", first))
    print(_line(f"extract_article_html, best of {repeat}", full))
    print(_line("extraction above parse", extra))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=40, help="fixture article pages")
    parser.add_argument("--padding-kb", type=int, default=90, help="fixture theme markup")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the best counts")
    args = parser.parse_args(argv)
    report(
        f"fixture (padding_kb={args.padding_kb})",
        fixture_pages(args.articles, args.padding_kb),
        args.repeat,
    )
    pages = fixture_listings(5, args.padding_kb)
    kb = statistics.median(len(raw) for _, raw in pages) / 1024
    print(f"fixture listing pages: {len(pages)} pages, median {kb:.0f} KB")
    print(
        _line(
            f"extract_listing_html, best of {args.repeat}", per_page_ms(pages, listing, args.repeat)
        )
    )
    if (args.corpus / "truth.jsonl").exists():
        report(f"corpus ({args.corpus})", corpus_pages(args.corpus), args.repeat)
    else:
        print(f"corpus: {args.corpus / 'truth.jsonl'} not found, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
