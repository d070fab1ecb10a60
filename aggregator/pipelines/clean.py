"""Second pipeline: normalise text, pick the canonical URL, hash the body.

Every text field is first made valid Unicode: a lone surrogate (which a
page's JSON can spell, and which neither the spool nor a database can store)
becomes U+FFFD, counted and logged, and the article goes on.
Text is NFC-normalised with collapsed whitespace; the body keeps one blank
line between paragraphs. A page's declared canonical URL is trusted only when
it points to the same site (desktop, mobile and AMP hosts count as one) and
to neither its home page nor a section page above the article (sites that
declare one of those as every article's canonical would otherwise merge all
their articles).
The content hash is over the case-folded words of the body, so re-wrapped or
re-spaced copies hash alike.

Settings: `AGGREGATOR_MAX_TITLE_LENGTH`.
Stats: `aggregator/clean/canonical_rejected`, `aggregator/clean/title_truncated`,
`aggregator/clean/invalid_unicode` (articles with text repaired to valid Unicode),
`aggregator/clean/image_url_dropped` (an image address that is a `data:` URI, another
scheme or overlong: the article is stored without it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import unicodedata
from typing import Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from aggregator.items import ArticleItem
from aggregator.store.records import has_surrogates, valid_unicode
from aggregator.urls import (
    MAX_URL_LENGTH,
    canonical_url,
    image_url,
    is_section_of,
    site_host,
    stored_forms,
)

_SPACES = re.compile(r"[^\S\n]+")
# C0 controls and DEL (NUL among them, which PostgreSQL text refuses); tab and newline
# are spaces to normalise, not controls to drop.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORDS = re.compile(r"\w+")
logger = logging.getLogger(__name__)


def normalise_line(text: str) -> str:
    """NFC, no control characters, one space between words, no surrounding space."""
    text = _CONTROLS.sub("", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def normalise_body(text: str) -> str:
    """Paragraphs normalised one by one and joined by exactly one blank line."""
    paragraphs = (normalise_line(p) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def content_hash(body: str) -> str:
    """SHA-256 over the case-folded words of `body`, separated by single spaces."""
    words = " ".join(_WORDS.findall(body.casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def choose_canonical(response_url: str, declared: str | None) -> tuple[str, bool]:
    """The canonical form of the article's URL, and whether `declared` was rejected.

    The declared URL (rel=canonical, og:url or JSON-LD `url`) is trusted when
    it stays on the site (its desktop, mobile and AMP hosts count as one) and
    names neither the home page nor a section above the article.
    """
    if declared and len(declared) <= MAX_URL_LENGTH:
        same_site = site_host(declared) == site_host(response_url)
        if same_site and not is_section_of(declared, response_url):
            return canonical_url(declared), False
    return canonical_url(response_url), bool(declared)


def _repaired(value: object) -> object | None:
    """`value` (text, or a list or dict of text) made valid Unicode, or None when it was already."""
    if isinstance(value, str):
        return valid_unicode(value) if has_surrogates(value) else None
    if isinstance(value, list) and any(isinstance(v, str) and has_surrogates(v) for v in value):
        return [valid_unicode(v) if isinstance(v, str) else v for v in value]
    if isinstance(value, dict) and any(
        has_surrogates(f"{k}{v}") for k, v in value.items() if isinstance(v, str)
    ):
        return {valid_unicode(k): valid_unicode(v) for k, v in value.items()}
    return None


def repair_unicode(item: ArticleItem) -> list[str]:
    """Replace lone surrogates in every text field of `item` by U+FFFD; names the fields fixed."""
    fixed = []
    for f in dataclasses.fields(item):
        repaired = _repaired(getattr(item, f.name))
        if repaired is not None:
            setattr(item, f.name, repaired)
            fixed.append(f.name)
    return fixed


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        clean = normalise_line(value)
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return list(seen.values())


class CleanArticlePipeline:
    """Normalise every text field and fill `canonical_url` and `content_hash`."""

    def __init__(self, stats: StatsCollector, max_title_length: int) -> None:
        self.stats = stats
        self.max_title_length = max_title_length

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats, crawler.settings.getint("AGGREGATOR_MAX_TITLE_LENGTH", 1000))

    def process_item(self, item: ArticleItem) -> ArticleItem:
        fixed = repair_unicode(item)
        if fixed:
            self.stats.inc_value("aggregator/clean/invalid_unicode")
            logger.warning(
                "Invalid Unicode (lone surrogates) replaced by U+FFFD in %s of %s",
                ", ".join(fixed),
                item.url,
            )
        title = normalise_line(item.title or "")
        if len(title) > self.max_title_length:
            cut = title[: self.max_title_length + 1]
            title = cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]
            self.stats.inc_value("aggregator/clean/title_truncated")
        item.title = title
        item.body = normalise_body(item.body or "")
        item.summary = normalise_line(item.summary) if item.summary else None
        item.category = normalise_line(item.category) if item.category else None
        item.authors = _unique(item.authors)
        item.tags = _unique(item.tags)
        declared = item.canonical_url
        item.canonical_url, rejected = choose_canonical(item.url, declared)
        if rejected:
            self.stats.inc_value("aggregator/clean/canonical_rejected")
        # Every form is looked up as this article: a rejected canonical must not be one.
        forms = [*item.url_forms, item.url, *([declared] if declared and not rejected else [])]
        item.url_forms = [
            form for form in dict.fromkeys(forms) if not (rejected and form == declared)
        ]
        # No stored URL keeps credentials; a data: URI or overlong URL is no image address.
        item.url_forms = stored_forms(item.url_forms)
        found, item.image_url = item.image_url, image_url(item.image_url)
        if found and item.image_url is None:
            self.stats.inc_value("aggregator/clean/image_url_dropped")
            logger.debug("Image address %.80r of %s is not a storable URL", found, item.url)
        item.content_hash = content_hash(item.body)
        return item
