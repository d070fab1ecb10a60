"""Benchmark: `aggregator.dates.parse_date` against plain `dateparser.parse`.

Both read the same mix of date texts, weighted like real news pages (ISO 8601
from JSON-LD and meta tags, RFC 2822 from feeds, relative teasers and month-name
dates in seven languages, numeric dates, a few other languages, some junk),
each with its own fetch time and site. dateparser gets the settings it needs to
be correct: RELATIVE_BASE=now, TIMEZONE=site zone, RETURN_AS_TIMEZONE_AWARE,
TO_TIMEZONE='UTC', and the site's languages.

Prints: per-call cost of each (best of three; `parse_date` with its text cache
emptied before every run, and again with it warm), the ratio, how often the two
agree within `parse_date`'s precision, the cold start of each in a fresh
process, and the accuracy of each on the test tables (tests/unit/test_dates_*).

Run from the repository root: `.venv/bin/python benchmarks/dates.py [--size N]`.
"""

from __future__ import annotations

import argparse
import importlib
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dateparser  # noqa: E402

from aggregator.dates import ParsedDate, clear_caches, parse_date  # noqa: E402
from tests.unit.test_dates_table import Case  # noqa: E402

Sample = tuple[str, datetime, str, tuple[str, ...]]
SITES = {
    "en": "America/New_York", "es": "Europe/Madrid", "fr": "Europe/Paris",
    "de": "Europe/Berlin", "pt": "America/Sao_Paulo", "it": "Europe/Rome",
    "ru": "Europe/Moscow", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw", "ja": "Asia/Tokyo",
}  # fmt: skip
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
RELATIVE = {
    "en": ["{m} mins ago", "{h} hours ago", "{h}h", "{d} days ago", "yesterday", "just now",
           "an hour ago", "Updated {m} minutes ago", "Yesterday at {H12}:{M:02d} PM"],
    "es": ["hace {m} minutos", "hace {h} horas", "hace {d} días", "ayer", "hace una hora",
           "Ayer a las {H}:{M:02d}"],
    "fr": ["il y a {m} min", "il y a {h} heures", "il y a {d} jours", "hier à {H}h{M:02d}"],
    "de": ["vor {m} Minuten", "vor {h} Stunden", "vor {d} Tagen", "gestern, {H}:{M:02d} Uhr"],
    "pt": ["há {m} minutos", "há {h} horas", "{d} dias atrás", "ontem às {H}h{M:02d}"],
    "it": ["{m} minuti fa", "{h} ore fa", "{d} giorni fa", "ieri alle {H}:{M:02d}"],
    "ru": ["{m} минут назад", "{h} часа назад", "{d} дня назад", "вчера в {H}:{M:02d}"],
}  # fmt: skip
NAMED = {
    "en": ["{mon} {day}, {year}", "{mon3} {day}, {year} {H12}:{M:02d} AM"],
    "es": ["{day} de {mon} de {year}", "{day} de {mon} de {year}, {H}:{M:02d}"],
    "fr": ["{day} {mon} {year}", "{day} {mon} {year} à {H}h{M:02d}"],
    "de": ["{day}. {mon} {year}", "{day}. {mon} {year}, {H}:{M:02d} Uhr"],
    "pt": ["{day} de {mon} de {year}", "{day} de {mon} de {year} às {H}h{M:02d}"],
    "it": ["{day} {mon} {year}", "{day} {mon} {year} alle {H}:{M:02d}"],
    "ru": ["{day} {mon} {year}", "{day} {mon} {year}, {H}:{M:02d}"],
}
NUMERIC = {
    "en": ["{mm:02d}/{dd:02d}/{year} {H12}:{M:02d} AM"],
    "de": ["{dd:02d}.{mm:02d}.{year} {H}:{M:02d}"],
    "fr": ["{dd:02d}/{mm:02d}/{year} à {H}h{M:02d}"],
    "it": ["{dd:02d}/{mm:02d}/{year}"],
}
OTHER = {
    "nl": ["{h} uur geleden", "gisteren", "{d} dagen geleden"],
    "pl": ["{d} dni temu", "wczoraj"],
    "ja": ["{h}時間前", "昨日"],
}
JUNK = [
    *("Source link", "Admin", "N/A", "By John Smith", "Share", "5", "Comments (3)"),
    *("Read more", "", "Recent Posts", "Categories: News", "Advertisement", "2 min read"),
]
SEVEN = list(RELATIVE)
KINDS = {"iso": 38, "rfc2822": 15, "relative": 24, "named": 10, "numeric": 4, "other": 3, "junk": 6}


def _fields(rng: random.Random, language: str, local: datetime) -> dict[str, object]:
    month = MONTHS.get(language, MONTHS["en"]).split()[local.month - 1]
    hour = local.hour
    return {
        "m": rng.randint(2, 59),
        "h": rng.randint(2, 4),
        "d": rng.randint(2, 4),
        "H": hour,
        "H12": (hour % 12) or 12,
        "M": local.minute,
        "day": local.day,
        "dd": local.day,
        "mm": local.month,
        "year": local.year,
        "mon": month,
        "mon3": month[:3],
    }


def _machine(rng: random.Random, kind: str, then: datetime, local: datetime) -> str:
    if kind == "iso":
        formats = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]
        utc_formats = ["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.000Z"]
        if rng.random() < 0.5:
            return then.strftime(rng.choice(utc_formats))
        return (
            local.isoformat(timespec="seconds")
            if rng.random() < 0.3
            else local.strftime(rng.choice(formats))
        )
    offset = rng.choice(["+0000", "GMT", local.strftime("%z")])
    stamp = local if offset == local.strftime("%z") else then
    return stamp.strftime("%a, %d %b %Y %H:%M:%S ") + offset


def _sample(rng: random.Random, kind: str) -> Sample:
    language = rng.choice({"other": list(OTHER), "numeric": list(NUMERIC)}.get(kind, SEVEN))
    zone = SITES[language]
    now = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(730 * 86400))
    then = now - timedelta(minutes=rng.randrange(5, 60 * 24 * 20))
    local = then.astimezone(ZoneInfo(zone))
    if kind in ("iso", "rfc2822"):
        text = _machine(rng, kind, then, local)
    elif kind == "junk":
        text = rng.choice(JUNK)
    else:
        table = {"relative": RELATIVE, "named": NAMED, "numeric": NUMERIC, "other": OTHER}[kind]
        text = rng.choice(table[language]).format(**_fields(rng, language, local))
    return text, now, zone, (language,)


def make_mix(size: int, seed: int) -> list[tuple[str, Sample]]:
    """(kind, sample) pairs, kinds drawn with the `KINDS` weights."""
    rng = random.Random(seed)
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=size)
    return [(kind, _sample(rng, kind)) for kind in kinds]


def ours(sample: Sample) -> ParsedDate | None:
    raw, now, zone, languages = sample
    return parse_date(raw, now=now, timezone=zone, languages=languages)


def theirs(sample: Sample) -> datetime | None:
    raw, now, zone, languages = sample
    settings = {
        "RELATIVE_BASE": now,
        "TIMEZONE": zone,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TO_TIMEZONE": "UTC",
    }
    try:
        return dateparser.parse(raw, settings=settings, languages=list(languages))
    except Exception:  # dateparser raising is scored as "no date"
        return None


def per_call(function: Callable[[Sample], object], mix: list[Sample], *, cold: bool) -> float:
    """Best-of-three seconds per call over the mix."""
    best = float("inf")
    for _ in range(3):
        if cold:
            clear_caches()
        start = time.perf_counter()
        for sample in mix:
            function(sample)
        best = min(best, (time.perf_counter() - start) / len(mix))
    return best


_UNIT = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
}


def same(a: datetime | None, b: datetime | None, precision: str | None, zone: str) -> bool:
    """Whether two readings agree within `precision` (calendar units in the site's zone)."""
    if a is None or b is None or precision is None:
        return a is None and b is None
    if precision in _UNIT:
        return abs(a - b) < _UNIT[precision]
    x, y = a.astimezone(ZoneInfo(zone)), b.astimezone(ZoneInfo(zone))
    size = {"day": 3, "month": 2, "year": 1}[precision]
    return (x.year, x.month, x.day)[:size] == (y.year, y.month, y.day)[:size]


def agreement(mix: list[tuple[str, Sample]]) -> tuple[Counter[str], Counter[str], list[str]]:
    """Per kind: samples, samples agreed on; and one disagreement per kind and outcome."""
    total: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    examples: dict[tuple[str, str], str] = {}
    for kind, sample in mix:
        mine, other = ours(sample), theirs(sample)
        value, precision = (mine.value, mine.precision) if mine else (None, None)
        total[kind] += 1
        if same(value, other, precision, sample[2]):
            agreed[kind] += 1
            continue
        outcome = "only ours" if other is None else "only dateparser" if mine is None else "differ"
        site = f"{sample[2]}, {sample[3][0]}"
        examples.setdefault(
            (kind, outcome),
            f"{kind:8} {outcome:15} {sample[0]!r} [{site}]: ours {value} ({precision}), "
            f"dateparser {other}",
        )
    return total, agreed, list(examples.values())


def table_rows() -> list[Case]:
    rows: list[Case] = []
    for name in ("relative", "absolute", "zones", "junk", "fallback"):
        rows.extend(importlib.import_module(f"tests.unit.test_dates_{name}").ROWS)
    return rows


def accuracy(rows: Iterable[Case]) -> tuple[int, int, int]:
    """Rows read exactly right by parse_date, rows dateparser gets right within precision."""
    mine = other = total = 0
    for case in rows:
        zone = case.timezone or "UTC"
        sample: Sample = (case.raw, case.now_dt, zone, case.languages or ())
        expected, precision = case.expected_dt, case.precision
        result = ours(sample)
        got = (result.value, result.precision) if result else (None, None)
        mine += got == (expected, precision)
        other += same(theirs(sample), expected, precision, zone)
        total += 1
    return mine, other, total


COLD = """
import time, datetime as d
t0 = time.perf_counter()
{imp}
t1 = time.perf_counter()
{call}
t2 = time.perf_counter()
print(f"{{(t1 - t0) * 1e3:.1f}} {{(t2 - t1) * 1e3:.1f}}")
"""
NOW = "d.datetime(2024, 7, 5, 12, tzinfo=d.timezone.utc)"


def cold_start(imp: str, call: str) -> str:
    code = COLD.format(imp=imp, call=call)
    command = [sys.executable, "-c", code]
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    first, second = out.split()
    return f"import {first} ms + first call {second} ms"


def report_speed(mix: list[Sample]) -> None:
    cold = per_call(ours, mix, cold=True)
    warm = per_call(ours, mix, cold=False)
    slow = per_call(theirs, mix, cold=False)
    print(f"parse_date       : {cold * 1e6:8.1f} us/call (text cache emptied before each run)")
    print(f"parse_date       : {warm * 1e6:8.1f} us/call (text cache warm)")
    print(f"dateparser.parse : {slow * 1e6:8.1f} us/call")
    print(f"speed ratio      : {slow / cold:8.1f}x (cold cache), {slow / warm:.1f}x (warm)")


def report_agreement(kinds_and_samples: list[tuple[str, Sample]]) -> None:
    counts, agreed, examples = agreement(kinds_and_samples)
    share = sum(agreed.values()) / sum(counts.values())
    by_kind = ", ".join(f"{kind} {agreed[kind] / counts[kind]:.0%}" for kind in KINDS)
    print(f"agreement        : {share:.1%} equal within parse_date's precision ({by_kind})")
    for line in examples:
        print(f"  e.g. {line}")


def report_cold_start() -> None:
    ours_import = "from aggregator.dates import parse_date"
    print(
        "cold start parse_date :", cold_start(ours_import, f"parse_date('29 mins ago', now={NOW})")
    )
    fallback = f"parse_date('3 uur geleden', now={NOW}, languages=['nl'])"
    print("  ... via dateparser  :", cold_start(ours_import, fallback))
    settings = f"{{'RELATIVE_BASE': {NOW}, 'RETURN_AS_TIMEZONE_AWARE': True, 'TO_TIMEZONE': 'UTC'}}"
    theirs_call = f"dateparser.parse('29 mins ago', settings={settings})"
    print("cold start dateparser :", cold_start("import dateparser", theirs_call))


def report_accuracy() -> None:
    mine, other, rows = accuracy(table_rows())
    print(
        f"accuracy on the test table ({rows} rows): parse_date {mine / rows:.1%} ({mine}), "
        f"dateparser {other / rows:.1%} ({other})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    size = parser.parse_args().size
    for _, warm in make_mix(300, seed=1):  # both warmed on another mix: locales, regexes
        ours(warm), theirs(warm)
    kinds_and_samples = make_mix(size, seed=2024)
    mix = [sample for _, sample in kinds_and_samples]
    print(f"mix: {size} strings, {len({s[0] for s in mix})} distinct, weights {KINDS}")
    report_speed(mix)
    report_agreement(kinds_and_samples)
    report_cold_start()
    report_accuracy()


if __name__ == "__main__":
    main()
