"""Article extraction benchmark: aggregator.extract against trafilatura on a corpus.

Usage: .venv/bin/python benchmarks/extraction.py [--corpus PATH] [--only ours|trafilatura]
       [--pages 0001,0002] [--others] [-v]

Reads `<corpus>/truth.jsonl` and `<corpus>/pages/<id>.html` (fed as UTF-8) and
scores every extractor in the same run. For each extractor it prints, for
pages 0001-0090 (the pages the extractor was tuned on), 0091 onward (new to
it: the honest picture of unseen sites) and all pages: body F1 (word 4-gram
shingles over Unicode `\\w+` tokens; precision and recall averaged per page)
overall and per source, the number of pages whose truth has a body (a `body`
or `body_contains` field) but whose extracted body is empty or None (no item
counts as empty), body snippet scores, title exact match,
publication-date accuracy and author recall (each also per source), and which
strategy supplied our body (`sources["body"]`). Then the speed: pages per
second of process CPU time spent in the extraction calls (one core's figure),
and a summary table with the extractors side by side. Only fields listed in a
page's `truth_fields` are scored. The output format is stable: other tools
grep the summary lines (`slice | metric | extractor ...`).
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
    """What one extractor returned for one page (raw values) and its CPU seconds."""

    title: str | None = None
    body: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    body_source: str | None = None


def run_ours(raw: bytes, url: str) -> Result:
    start = time.process_time()
    item = extract_article_html(raw, url, encoding="utf-8")
    elapsed = time.process_time() - start
    if item is None:
        return Result(seconds=elapsed)
    return Result(
        item.title,
        item.body,
        item.published_raw,
        list(item.authors),
        elapsed,
        item.sources.get("body"),
    )


def run_trafilatura(raw: bytes, url: str) -> Result:
    import trafilatura

    text = raw.decode("utf-8")
    start = time.process_time()
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
    elapsed = time.process_time() - start
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
    start = time.process_time()
    doc = Document(text, url=url)
    summary = doc.summary(html_partial=True)
    body = "\n\n".join(t.strip() for t in lxml.html.fromstring(summary).itertext() if t.strip())
    title = doc.short_title()
    return Result(title, body, seconds=time.process_time() - start)


_STOPWORDS: frozenset[str] | None = None


def run_justext(raw: bytes, url: str) -> Result:
    """jusText (body only; all its stop lists at once, as the language is unknown): `--others`."""
    import justext

    global _STOPWORDS
    if _STOPWORDS is None:
        _STOPWORDS = frozenset().union(*(justext.get_stoplist(n) for n in justext.get_stoplists()))
    start = time.process_time()
    paragraphs = justext.justext(raw, _STOPWORDS, encoding="utf-8")
    body = "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return Result(body=body, seconds=time.process_time() - start)


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


SOURCES = {
    "fundus": "fundus",
    "article-extraction-benchmark": "AEB",
    "trafilatura+htmldate": "traf+htmldate",
    "trafilatura": "trafilatura",
    "htmldate": "htmldate",
}
TUNED_LAST = 90  # pages 0001-0090 are the ones the extractor was tuned on
SLICES = ("0001-0090", "0091+", "all")


def slices_of(page: str) -> tuple[str, str]:
    return ("0001-0090" if int(page) <= TUNED_LAST else "0091+", "all")


@dataclass
class Scores:
    """Accumulated figures for one extractor on one slice of the corpus."""

    body: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)
    known_body: int = 0
    snippets: Counter[str] = field(default_factory=Counter)
    titles: dict[str, list[bool]] = field(default_factory=dict)
    dates: dict[str, list[tuple[bool, bool]]] = field(default_factory=dict)
    lenient_dates: list[bool] = field(default_factory=list)
    authors: dict[str, list[float]] = field(default_factory=dict)
    body_sources: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    pages: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    def miss(self, what: str, page: str) -> None:
        self.misses.setdefault(what, []).append(page)

    def add(self, truth: dict[str, Any], result: Result) -> None:
        self.pages += 1
        self.seconds += result.seconds
        fields, page, source = truth["truth_fields"], truth["id"], truth["source"]
        if "body" in fields:
            pr = body_pr(result.body, truth["body"])
            self.body.setdefault(source, []).append(pr)
            if f1(*pr) < 0.9:
                self.miss(f"body<0.9 ({f1(*pr):.2f})", page)
        if "body" in fields or "body_contains" in fields:
            self.known_body += 1
            self.body_sources[result.body_source or "none"] += 1
            if not (result.body or "").strip():
                self.empty.append(page)
        if "body_contains" in fields:
            text = norm(result.body)
            for snippet in truth.get("body_contains") or []:
                self.snippets["contains_found" if norm(snippet) in text else "contains_missed"] += 1
            for snippet in truth.get("body_excludes") or []:
                self.snippets[
                    "excludes_found" if norm(snippet) in text else "excludes_avoided"
                ] += 1
        if "title" in fields:
            ok = norm(result.title) == norm(truth["title"])
            self.titles.setdefault(source, []).append(ok)
            if not ok:
                self.miss("title", page)
        if "published" in fields:
            verdict = date_ok(result.published, truth)
            self.dates.setdefault(source, []).append(verdict)
            self.lenient_dates.append(date_ok(result.published, truth, lenient=True)[0])
            if not verdict[0]:
                self.miss("date", page)
        if "author" in fields:
            gold = names(truth.get("authors") or [truth["author"]])
            got = len(gold & names(result.authors)) / len(gold) if gold else 1.0
            self.authors.setdefault(source, []).append(got)
            if got < 1:
                self.miss("author", page)


def body_f1(pairs: list[tuple[float, float]]) -> float | None:
    """F1 of the precision and recall averaged over pages."""
    if not pairs:
        return None
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    return f1(precision, recall)


def _mean(values: list[float] | list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def _flat(groups: dict[str, list[Any]]) -> list[Any]:
    return [value for values in groups.values() for value in values]


def figures(scores: Scores) -> dict[str, tuple[float | None, int]]:
    """Metric name -> (value, pages), the rows of the summary table."""
    rows: dict[str, tuple[float | None, int]] = {}
    every = _flat(scores.body)
    rows["body F1"] = (body_f1(every), len(every))
    for source in ("fundus", "article-extraction-benchmark"):
        pairs = scores.body.get(source, [])
        rows[f"body F1 {SOURCES[source]}"] = (body_f1(pairs), len(pairs))
    rows["empty body (count)"] = (float(len(scores.empty)), scores.known_body)
    s = scores.snippets
    contains = s["contains_found"] + s["contains_missed"]
    excludes = s["excludes_found"] + s["excludes_avoided"]
    rows["snippets found"] = (s["contains_found"] / contains if contains else None, contains)
    rows["snippets avoided"] = (s["excludes_avoided"] / excludes if excludes else None, excludes)
    _per_source(rows, "title exact", scores.titles)
    days = {k: [day for _, day in v] for k, v in scores.dates.items()}
    right = {k: [ok for ok, _ in v] for k, v in scores.dates.items()}
    _per_source(rows, "date correct", right, per_source=False)
    _per_source(rows, "date same day", days)
    _per_source(rows, "author recall", scores.authors)
    return rows


def _per_source(
    rows: dict[str, tuple[float | None, int]],
    name: str,
    groups: dict[str, list[Any]],
    per_source: bool = True,
) -> None:
    every = _flat(groups)
    rows[name] = (_mean(every), len(every))
    if per_source:
        for source, short in SOURCES.items():
            if groups.get(source):
                rows[f"{name} {short}"] = (_mean(groups[source]), len(groups[source]))


def _shown(value: float | None, name: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:g}" if name.endswith("(count)") else f"{value:.4f}"


def report(name: str, by_slice: dict[str, Scores], verbose: bool) -> None:
    print(f"== {name}")
    for label in SLICES:
        scores = by_slice[label]
        print(f"-- pages {label} ({scores.pages} pages)")
        for metric, (value, count) in figures(scores).items():
            if count:
                print(f"  {metric:<28} {_shown(value, metric):>8}  (n={count})")
        if scores.empty:
            print(f"  empty body on: {' '.join(scores.empty)}")
        if PARSE_DATE is None and scores.lenient_dates:
            print(
                "  (aggregator.dates.parse_date unavailable: dates read with fromisoformat;"
                f" with dateparser: {_shown(_mean(scores.lenient_dates), '')} correct)"
            )
        if any(k != "none" for k in scores.body_sources):
            shown = ", ".join(f"{k} {v}" for k, v in scores.body_sources.most_common())
            print(f"  body from: {shown}")
        if verbose and label != "all":
            for what, pages in sorted(scores.misses.items()):
                print(f"  missed {what}: {' '.join(pages)}")
    total = by_slice["all"]
    rate = total.pages / total.seconds if total.seconds else float("inf")
    print(
        f"  speed {rate:.1f} pages per CPU second"
        f" ({total.pages} pages, {total.seconds:.2f} s of process CPU time in extraction calls)"
    )


def summary(results: dict[str, dict[str, Scores]]) -> None:
    """One line per slice and metric, extractors side by side (first minus second as delta)."""
    names = list(results)
    print("== summary (same run): slice | metric | " + " | ".join(names) + " | delta")
    for label in SLICES:
        tables = {n: figures(results[n][label]) for n in names}
        metrics = list(dict.fromkeys(m for t in tables.values() for m in t))
        for metric in metrics:
            values = [tables[n].get(metric, (None, 0))[0] for n in names]
            if all(tables[n].get(metric, (None, 0))[1] == 0 for n in names):
                continue
            cells = [_shown(v, metric) for v in values]
            delta = ""
            if len(values) >= 2 and values[0] is not None and values[1] is not None:
                delta = f"{values[0] - values[1]:+.4f}"
            print(f"{label:<9} | {metric:<28} | " + " | ".join(cells) + f" | {delta}")
    for n in names:
        total = results[n]["all"]
        rate = total.pages / total.seconds if total.seconds else float("inf")
        print(f"{'all':<9} | {'pages per CPU second':<28} | {n} {rate:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
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
    results: dict[str, dict[str, Scores]] = {}
    for name, run in extractors.items():
        run(pages[truths[0]["id"]], truths[0]["url"])  # warm-up: imports and caches
        by_slice = {label: Scores() for label in SLICES}
        for truth in truths:
            result = run(pages[truth["id"]], truth["url"])
            for label in slices_of(truth["id"]):
                by_slice[label].add(truth, result)
        report(name, by_slice, args.verbose)
        results[name] = by_slice
    summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
