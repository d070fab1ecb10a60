"""Teasers on listing pages: which links are articles, and what their card says."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import norm_space, text_of
from aggregator.extract.pagekind import url_kind
from aggregator.items import ListingEntry
from aggregator.urls import absolute_url

_SLUG = re.compile(r"[\w%]+(?:[-_][\w%]+){2,}")
_ID = re.compile(r"\d{4,}")
_RELATIVE = re.compile(
    r"\b\d+\s*(sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|weeks?|months?)\s+ago\b"
    r"|\bhace\s+\d+|\bil y a\s+\d+|\bvor\s+\d+\s+\w+|\b(yesterday|today|gestern|heute|ayer|hier)\b",
    re.IGNORECASE,
)
_DATE_WORDS = frozenset(
    ("date", "time", "ago", "posted", "published", "timestamp", "datetime", "meta-date")
)
_SUMMARY_WORDS = frozenset(
    ("excerpt", "summary", "teaser", "dek", "description", "standfirst", "intro", "lead")
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _site(host: str) -> str:
    parts = host.lower().removeprefix("www.").split(".")
    return ".".join(parts[-3:] if len(parts[-1]) == 2 and len(parts) > 2 else parts[-2:])


def same_site(url: str, page_url: str) -> bool:
    """True when both URLs share a registrable-looking domain (subdomains allowed)."""
    one, two = urlsplit(url), urlsplit(page_url)
    if one.scheme not in ("http", "https") or not one.hostname or not two.hostname:
        return False
    return _site(one.hostname) == _site(two.hostname)


def _headline_like(text: str) -> bool:
    return len(text.split()) >= 4 or (len(text) >= 12 and not text.isascii())


def article_url(url: str, anchor: HtmlElement) -> bool:
    """Whether an anchor on a listing page points at an article."""
    if url_kind(url) is not None:
        return False
    path = urlsplit(url).path
    last = [s for s in path.split("/") if s]
    if not last:
        return False
    shaped = bool(_SLUG.search(last[-1]) or _ID.search(path) or re.search(r"/\d{4}/\d{1,2}/", path))
    text = text_of(anchor)
    in_heading = any(a.tag in _HEADINGS for a in anchor.iterancestors()) or bool(
        anchor.xpath(".//h1|.//h2|.//h3|.//h4")
    )
    if shaped:
        return _headline_like(text) or in_heading or bool(anchor.xpath(".//img")) or not text
    return in_heading and _headline_like(text)


def _title(card: HtmlElement, anchors: list[HtmlElement]) -> str | None:
    for heading in card.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
        text = text_of(heading)
        if text:
            return text
    texts = [text_of(a) for a in anchors]
    texts = [t for t in texts if t and not bp.is_junk_line(t)]
    return max(texts, key=len) if texts else None


def _date(card: HtmlElement, title: str) -> str | None:
    for el in card.iter("time"):
        value = norm_space(el.get("datetime")) or text_of(el)
        if value:
            return value
    for el in card.iter():
        if isinstance(el.tag, str) and bp.words(el) & _DATE_WORDS:
            text = text_of(el)
            if 3 <= len(text) <= 60 and text not in title:
                return text
    for piece in card.itertext():
        text = norm_space(piece)
        # A headline may say "today" or "yesterday" ("Dollar Today: ..."): not a date line.
        if text and text not in title and len(text) <= 60 and _RELATIVE.search(text):
            return text
    return None


def _summary(card: HtmlElement, title: str | None) -> str | None:
    for el in card.iter():
        if isinstance(el.tag, str) and el.tag != "a" and bp.words(el) & _SUMMARY_WORDS:
            text = text_of(el)
            if text and text != title:
                return text
    texts = [text_of(p) for p in card.iter("p")]
    texts = [t for t in texts if len(t) >= 30 and t != title and not _RELATIVE.fullmatch(t)]
    return max(texts, key=len) if texts else None


def _image(card: HtmlElement, base: str) -> str | None:
    for img in card.iter("img"):
        for attr in ("data-src", "data-lazy-src", "data-original", "src"):
            src = str(img.get(attr) or "").strip()
            if src and not src.startswith("data:"):
                return absolute_url(base, src)
        srcset = str(img.get("srcset") or img.get("data-srcset") or "").strip()
        if srcset:
            return absolute_url(base, srcset.split(",")[0].split()[0])
    return None


def card_entry(
    url: str, card: HtmlElement, anchors: list[HtmlElement], base: str
) -> ListingEntry | None:
    """The teaser data of one card, or None when it has no headline at all."""
    title = _title(card, anchors)
    if not title:
        return None
    return ListingEntry(
        url=url,
        title=title,
        published_raw=_date(card, title),
        summary=_summary(card, title),
        image_url=_image(card, base),
    )
