"""Article extraction benchmark: aggregator.extract against trafilatura on a corpus.

Usage: .venv/bin/python benchmarks/extraction.py [--corpus PATH] [--only ours|trafilatura]
       [--pages 0001,0002] [--dump DIR]

Reads `<corpus>/truth.jsonl` and `<corpus>/pages/<id>.html` (fed as UTF-8) and
prints, for each extractor, body F1 (word 4-gram shingles over Unicode `\\w+`
tokens; precision and recall averaged per page), body snippet scores,
title exact match, publication-date accuracy, author recall and pages per second
(single process; only the extraction call is timed). Only fields listed in a
page's `truth_fields` are scored.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator.extract import extract_article_html

DEFAULT_CORPUS = Path("/work/shared/corpus")
NOW = datetime(2027, 1, 1, tzinfo=UTC)
_TOKEN = re.compile(r"\w+")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b)\s*", re.IGNORECASE)


@dataclass
class Result:
    """What one extractor returned for one page (raw values) and how long it took."""

    title: str | None = None
    body: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_ours(raw: bytes, url: str) -> Result:
    start = time.perf_counter()
    item = extract_article_html(raw, url, encoding="utf-8")
    elapsed = time.perf_counter() - start
    if item is None:
        return Result(seconds=elapsed)
    return Result(item.title, item.body, item.published_raw, list(item.authors), elapsed)


def run_trafilatura(raw: bytes, url: str) -> Result:
    import trafilatura

    text = raw.decode("utf-8")
    start = time.perf_counter()
    doc = trafilatura.bare_extraction(
        text,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    elapsed = time.perf_counter() - start
    if doc is None:
        return Result(seconds=elapsed)
    data: Any = doc if isinstance(doc, dict) else doc.as_dict()
    authors = [a for a in _NAME_SPLIT.split(data.get("author") or "") if a]
    return Result(data.get("title"), data.get("text"), data.get("date"), authors, elapsed)


def run_readability(raw: bytes, url: str) -> Result:
    """readability-lxml (body and title only), if installed: `--others`."""
    import lxml.html
    from readability import Document

    text = raw.decode("utf-8")
    start = time.perf_counter()
    doc = Document(text, url=url)
    summary = doc.summary(html_partial=True)
    body = "\n\n".join(t.strip() for t in lxml.html.fromstring(summary).itertext() if t.strip())
    title = doc.short_title()
    return Result(title, body, seconds=time.perf_counter() - start)


_STOPWORDS: frozenset[str] | None = None


def run_justext(raw: bytes, url: str) -> Result:
    """jusText (body only; all its stop lists at once, as the language is unknown): `--others`."""
    import justext

    global _STOPWORDS
    if _STOPWORDS is None:
        _STOPWORDS = frozenset().union(*(justext.get_stoplist(n) for n in justext.get_stoplists()))
    start = time.perf_counter()
    paragraphs = justext.justext(raw, _STOPWORDS, encoding="utf-8")
    body = "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return Result(body=body, seconds=time.perf_counter() - start)


# --- scoring ---------------------------------------------------------------------------


def shingles(text: str | None) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(len(tokens) - 3, 0)))


def body_pr(predicted: str | None, truth: str) -> tuple[float, float]:
    """Per-page precision and recall of 4-gram shingles."""
    pred, gold = shingles(predicted), shingles(truth)
    tp = sum((pred & gold).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", html.unescape(text or "")).strip()


def _parse_date_module() -> Callable[..., Any] | None:
    try:
        from aggregator.dates import parse_date
    except ImportError:
        return None
    return parse_date


PARSE_DATE = _parse_date_module()


def _lenient(raw: str) -> tuple[datetime | None, date | None]:
    """dateparser for non-ISO text, used only for the informational figure."""
    import dateparser

    settings: Any = {
        "RELATIVE_BASE": NOW.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TO_TIMEZONE": "UTC",
        "DATE_ORDER": "DMY",
    }
    value = dateparser.parse(raw, settings=settings)
    if value is None:
        return None, None
    has_time = bool(re.search(r"\d{1,2}[:.h]\d{2}", raw))
    return (value if has_time else None), value.date()


def _parse(raw: str, lenient: bool) -> tuple[datetime | None, date | None]:
    """(instant if the raw value has a time and zone, local calendar day)."""
    day: date | None = None
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", raw)
    if match:
        day = date.fromisoformat(match.group(1))
    instant: datetime | None = None
    if PARSE_DATE is not None:
        parsed = PARSE_DATE(raw, now=NOW)
        if parsed is not None:
            if parsed.precision in ("second", "minute", "hour"):
                instant = parsed.value
            day = day or parsed.value.date()
        return instant, day
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        instant = value if value.tzinfo else None
    except ValueError:
        if lenient:
            instant, lenient_day = _lenient(raw)
            day = day or lenient_day
    return instant, day


def date_ok(raw: str | None, truth: dict[str, Any], lenient: bool = False) -> tuple[bool, bool]:
    """(counts as correct, same calendar day)."""
    if not raw:
        return False, False
    instant, day = _parse(raw, lenient)
    gold = truth["published"]
    same_day = day == date.fromisoformat(gold[:10])
    if truth.get("published_precision") == "datetime":
        gold_instant = datetime.fromisoformat(gold.replace("Z", "+00:00"))
        if instant is not None and instant.date() == gold_instant.astimezone(UTC).date():
            same_day = True
        close = instant is not None and abs((instant - gold_instant).total_seconds()) <= 60
        return close, same_day
    return same_day, same_day


def names(values: list[str]) -> set[str]:
    out: set[str] = set()
    for value in values:
        for name in _NAME_SPLIT.split(value or ""):
            key = " ".join(_TOKEN.findall(name.casefold()))
            if key:
                out.add(key)
    return out


@dataclass
class Scores:
    """Accumulated figures for one extractor."""

    body: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    snippets: Counter[str] = field(default_factory=Counter)
    titles: list[bool] = field(default_factory=list)
    dates: list[tuple[bool, bool]] = field(default_factory=list)
    lenient_dates: list[bool] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    def miss(self, what: str, page: str) -> None:
        self.misses.setdefault(what, []).append(page)

    def add(self, truth: dict[str, Any], result: Result) -> None:
        self.pages += 1
        self.seconds += result.seconds
        fields, page = truth["truth_fields"], truth["id"]
        if "body" in fields:
            pr = body_pr(result.body, truth["body"])
            self.body.setdefault(truth["source"], []).append(pr)
            if f1(*pr) < 0.9:
                self.miss(f"body<0.9 ({f1(*pr):.2f})", page)
        if "body_contains" in fields:
            text = norm(result.body)
            for snippet in truth.get("body_contains") or []:
                self.snippets["contains_found" if norm(snippet) in text else "contains_missed"] += 1
            for snippet in truth.get("body_excludes") or []:
                self.snippets[
                    "excludes_found" if norm(snippet) in text else "excludes_avoided"
                ] += 1
        if "title" in fields:
            self.titles.append(norm(result.title) == norm(truth["title"]))
            if not self.titles[-1]:
                self.miss("title", page)
        if "published" in fields:
            self.dates.append(date_ok(result.published, truth))
            self.lenient_dates.append(date_ok(result.published, truth, lenient=True)[0])
            if not self.dates[-1][0]:
                self.miss("date", page)
        if "author" in fields:
            gold = names(truth.get("authors") or [truth["author"]])
            self.authors.append(len(gold & names(result.authors)) / len(gold) if gold else 1.0)
            if self.authors[-1] < 1:
                self.miss("author", page)


def _body_line(label: str, pairs: list[tuple[float, float]]) -> str:
    if not pairs:
        return f"  body F1 {label:<10} n/a"
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    return (
        f"  body F1 {label:<10} {f1(precision, recall):.4f}  "
        f"(P {precision:.4f} R {recall:.4f}, {len(pairs)} pages)"
    )


def report(name: str, scores: Scores, verbose: bool) -> None:
    print(f"== {name}")
    every = [pr for pairs in scores.body.values() for pr in pairs]
    print(_body_line("overall", every))
    print(_body_line("fundus", scores.body.get("fundus", [])))
    print(_body_line("AEB", scores.body.get("article-extraction-benchmark", [])))
    s = scores.snippets
    contains = s["contains_found"] + s["contains_missed"]
    excludes = s["excludes_found"] + s["excludes_avoided"]
    if contains or excludes:
        print(
            f"  snippets   contains found {s['contains_found']}/{contains}"
            f" ({s['contains_found'] / max(contains, 1):.1%}),"
            f" excludes avoided {s['excludes_avoided']}/{excludes}"
            f" ({s['excludes_avoided'] / max(excludes, 1):.1%})"
        )
    if scores.titles:
        print(
            f"  title      {sum(scores.titles)}/{len(scores.titles)} exact ({_rate(scores.titles)})"
        )
    if scores.dates:
        right = [ok for ok, _ in scores.dates]
        days = [day for _, day in scores.dates]
        print(
            f"  published  {sum(right)}/{len(right)} correct ({_rate(right)});"
            f" same day {sum(days)}/{len(days)} ({_rate(days)})"
        )
        if PARSE_DATE is None:
            print(
                "             (aggregator.dates.parse_date unavailable: raw values read with"
                " datetime.fromisoformat only; with dateparser for non-ISO text:"
                f" {sum(scores.lenient_dates)}/{len(right)} ({_rate(scores.lenient_dates)}))"
            )
    if scores.authors:
        recall = sum(scores.authors) / len(scores.authors)
        print(f"  authors    recall {recall:.1%} ({len(scores.authors)} pages)")
    rate = scores.pages / scores.seconds
    print(f"  speed      {rate:.1f} pages/s ({scores.pages} pages, {scores.seconds:.2f} s)")
    if verbose:
        for what, pages in sorted(scores.misses.items()):
            print(f"  missed {what}: {' '.join(pages)}")


def _rate(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.1%}" if values else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", choices=("ours", "trafilatura"))
    parser.add_argument("--pages", help="comma-separated page ids to score")
    parser.add_argument("--verbose", "-v", action="store_true", help="list pages that missed")
    parser.add_argument(
        "--others", action="store_true", help="also run readability-lxml and jusText"
    )
    args = parser.parse_args(argv)
    truths = [
        json.loads(line) for line in (args.corpus / "truth.jsonl").read_text().splitlines() if line
    ]
    if args.pages:
        wanted = set(args.pages.split(","))
        truths = [t for t in truths if t["id"] in wanted]
    extractors: dict[str, Callable[[bytes, str], Result]] = {
        "aggregator.extract": run_ours,
        "trafilatura 2.3 bare_extraction": run_trafilatura,
    }
    if args.others:
        extractors["readability-lxml"] = run_readability
        extractors["jusText (all stop lists)"] = run_justext
    if args.only:
        extractors = {
            k: v for k, v in extractors.items() if (args.only == "ours") == (v is run_ours)
        }
    pages = {t["id"]: (args.corpus / "pages" / f"{t['id']}.html").read_bytes() for t in truths}
    for name, run in extractors.items():
        run(pages[truths[0]["id"]], truths[0]["url"])  # warm-up: imports and caches
        scores = Scores()
        for truth in truths:
            scores.add(truth, run(pages[truth["id"]], truth["url"]))
        report(name, scores, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
