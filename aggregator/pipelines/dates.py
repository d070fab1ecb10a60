"""Third pipeline: turn the raw date texts of an article into UTC datetimes.

Dates are read relative to the item's `fetched_at`, in the site's timezone and
languages (`crawler.spider.site`; without one: UTC). When the site names no
languages, the article's detected `language` is the hint. Two texts compete
for `published_at`: the article page's (`published_raw`, `published_source`)
and the listing teaser's (`teaser_published_raw`, `teaser_source`, such as
"29 mins ago" or a feed's pubDate). The more precise one wins; on equal
precision the article page's wins. The winner's text and source become
`published_raw` and `published_source`. A date that cannot be read keeps its
text with a null `published_at`; the article is never dropped here.
`modified_raw` becomes `modified_at` the same way.

Settings: none. Stats:
`aggregator/dates/parsed/<source>` (where the kept date came from),
`aggregator/dates/unparsed` (date text present, none readable),
`aggregator/dates/missing` (no date text at all),
`aggregator/dates/conflict` (article and teaser more than a day apart),
`aggregator/dates/no_fetched_at` (an upstream bug: no base for relative dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from aggregator.dates import PRECISIONS, ParsedDate, parse_date

_PREFIX = "aggregator/dates"
_MAX_DISAGREEMENT = timedelta(days=1)
# How long each precision's interval lasts (months and years at their longest).
_SPAN = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "month": timedelta(days=31),
    "year": timedelta(days=366),
}


@dataclass(frozen=True, slots=True)
class _Candidate:
    raw: str
    source: str | None
    parsed: ParsedDate | None


class NormaliseDatesPipeline:
    """Fill `published_at`, `published_precision`, `published_source`, `modified_at`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        fetched_at = adapter.get("fetched_at")
        if fetched_at is None:
            self._inc("no_fetched_at")
        zone, languages = self._context(adapter)

        def read(raw: str | None) -> ParsedDate | None:
            if not raw or not isinstance(fetched_at, datetime):
                return None
            return parse_date(raw, now=fetched_at, timezone=zone, languages=languages)

        candidates = [
            _Candidate(raw, source, read(raw))
            for raw, source in (
                (adapter.get("published_raw"), adapter.get("published_source")),
                (adapter.get("teaser_published_raw"), adapter.get("teaser_source") or "listing"),
            )
            if raw
        ]
        self._publish(adapter, candidates)
        modified = read(adapter.get("modified_raw"))
        adapter["modified_at"] = modified.value if modified else None
        return item

    def _publish(self, adapter: ItemAdapter, candidates: list[_Candidate]) -> None:
        parsed = [(c, c.parsed) for c in candidates if c.parsed is not None]
        if len(parsed) == 2 and _disagree(parsed[0][1], parsed[1][1]):
            self._inc("conflict")
        # min() keeps the first of equals, and the article page's comes first.
        best = min(parsed, key=lambda pair: PRECISIONS.index(pair[1].precision), default=None)
        chosen = best[0] if best else (candidates[0] if candidates else None)
        if chosen is not None:
            adapter["published_raw"] = chosen.raw
            adapter["published_source"] = chosen.source
        adapter["published_at"] = best[1].value if best else None
        adapter["published_precision"] = best[1].precision if best else None
        if best is not None:
            self._inc(f"parsed/{best[0].source or 'unknown'}")
        else:
            self._inc("unparsed" if candidates else "missing")

    def _context(self, adapter: ItemAdapter) -> tuple[str, tuple[str, ...] | None]:
        """The site's zone and languages; the page's own language if the site has none."""
        site = getattr(self.crawler.spider, "site", None)
        zone = getattr(site, "timezone", None) or "UTC"
        languages = tuple(getattr(site, "languages", ()) or ())
        page_language = adapter.get("language")
        if not languages and isinstance(page_language, str) and page_language:
            languages = (page_language.split("-")[0].lower(),)
        return zone, languages or None

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{_PREFIX}/{key}")


def _disagree(a: ParsedDate, b: ParsedDate) -> bool:
    """Whether the intervals the two dates stand for lie more than a day apart."""
    gap = max(a.value - _end(b), b.value - _end(a), timedelta(0))
    return gap > _MAX_DISAGREEMENT


def _end(parsed: ParsedDate) -> datetime:
    return parsed.value + _SPAN[parsed.precision]
