"""Listing extraction: article links with their teasers, the next page, the feeds.

Works without selectors on unknown sites. An anchor is an article link when
it stays on the site, its URL is not a section/tag/author/static page, and
either the URL looks like an article (a slug, an id, a date) or the anchor reads
like a headline inside a heading. Its teaser "card" is the largest ancestor (a
few levels up at most) whose article links all point to that same URL; title,
date, summary and image are read from the card.

A link that can never be requested (a port out of range, a broken IPv6 host,
credentials, another scheme: `aggregator.urls.link_problem`) is left out and
counted by reason in `ListingPage.invalid_links`; the rest of the page stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from aggregator.extract import boilerplate as bp
from aggregator.extract.document import parse_html, text_of
from aggregator.extract.meta import link_fields
from aggregator.extract.pagekind import url_kind
from aggregator.extract.pagination import next_page
from aggregator.extract.selectors import select
from aggregator.extract.teaser import article_url, card_entry, same_site
from aggregator.items import ListingEntry
from aggregator.urls import absolute_url, link_problem

#: How many levels above an anchor its teaser card may start.
CARD_DEPTH = 6
_MENU_TAGS = frozenset(("nav", "footer", "menu"))
_MENU_WORDS = frozenset(
    ("menu", "nav", "navbar", "navigation", "footer", "breadcrumb", "breadcrumbs")
)


@dataclass(slots=True)
class ListingPage:
    """What a listing page offers: article links in page order, the next page, feeds."""

    entries: list[ListingEntry] = field(default_factory=list)
    next_page: str | None = None
    feeds: list[str] = field(default_factory=list)
    invalid_links: dict[str, int] = field(default_factory=dict)
    """Links left out because they can never be requested, by reason."""


def _in_menu(el: HtmlElement) -> bool:
    """Inside site navigation: nav, footer, menus, or a page header (not a teaser's own)."""
    header_seen = False
    for ancestor in el.iterancestors():
        if ancestor.tag in ("article", "li"):
            header_seen = False  # <article><header><h2><a>: the teaser's own header
        elif ancestor.tag == "header":
            header_seen = True
        elif ancestor.tag in _MENU_TAGS or bp.words(ancestor) & _MENU_WORDS:
            return True
    return header_seen


def _link_target(href: str, base: str, page_url: str, invalid: dict[str, int]) -> str | None:
    """The absolute URL an href may lead to an article at, or None (another site,
    this page, a listing or static URL, a fragment or script link, or a URL that
    can never be requested: counted in `invalid` by reason)."""
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    url = (absolute_url(base, href) or href).split("#", 1)[0]
    problem = link_problem(url)
    if problem is not None:
        invalid[problem] = invalid.get(problem, 0) + 1
        return None
    if url.rstrip("/") == page_url.split("#", 1)[0].rstrip("/"):
        return None
    if not same_site(url, page_url) or url_kind(url) is not None:
        return None
    return url


def _candidates(
    root: HtmlElement, base: str, page_url: str, invalid: dict[str, int]
) -> list[tuple[str, HtmlElement]]:
    """(absolute URL, anchor) for anchors that look like article links."""
    found: list[tuple[str, HtmlElement]] = []
    # Menus repeat the same few hrefs hundreds of times: judge each href once.
    targets: dict[str, str | None] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href not in targets:
            targets[href] = _link_target(href, base, page_url, invalid)
        url = targets[href]
        if url is not None and not _in_menu(a) and article_url(url, a):
            found.append((url, a))
    return found


def _cards(candidates: list[tuple[str, HtmlElement]]) -> dict[str, HtmlElement]:
    """For each URL, the largest nearby ancestor whose article links all go there."""
    urls_under: dict[HtmlElement, set[str]] = {}
    for url, a in candidates:
        for depth, ancestor in enumerate(a.iterancestors()):
            if depth >= CARD_DEPTH or ancestor.tag in ("body", "html"):
                break
            urls_under.setdefault(ancestor, set()).add(url)
    cards: dict[str, HtmlElement] = {}
    for url, a in candidates:
        if url in cards:
            continue
        card = a
        for depth, ancestor in enumerate(a.iterancestors()):
            if depth >= CARD_DEPTH or urls_under.get(ancestor, {url, ""}) != {url}:
                break
            card = ancestor
        cards[url] = card
    return cards


def _extract(root: HtmlElement, url: str) -> ListingPage:
    bases = root.xpath("//base/@href")
    base = (absolute_url(url, str(bases[0])) if bases else None) or url
    invalid: dict[str, int] = {}
    candidates = _candidates(root, base, url, invalid)
    cards = _cards(candidates)
    anchors: dict[str, list[HtmlElement]] = {}
    for link_url, anchor in candidates:
        anchors.setdefault(link_url, []).append(anchor)
    entries: list[ListingEntry] = []
    for link_url, card in cards.items():
        entry = card_entry(link_url, card, anchors[link_url], base)
        if entry is not None:
            entries.append(entry)
    feeds = list(dict.fromkeys(link_fields(root, base, invalid)["feeds"]))
    return ListingPage(entries, next_page(root, base, url), feeds, invalid)


def extract_listing_html(
    html: str | bytes,
    url: str,
    *,
    encoding: str | None = None,
    selectors: Mapping[str, str] | None = None,
) -> ListingPage:
    """Article links, next page and feeds of a listing page given as HTML."""
    root = parse_html(html, encoding)
    if root is None:
        return ListingPage()
    page = _extract(root, url)
    if selectors:
        _apply_selectors(root, page, selectors, url)
    return page


def _selected_target(url: str, href: str) -> tuple[str, str | None]:
    """The URL a selected link leads to, and why it can never be requested (or None)."""
    target = absolute_url(url, href)
    if target is None:
        return href, "unparsable"
    target = target.split("#", 1)[0]
    return target, link_problem(target) if href else None


def _apply_selectors(
    root: HtmlElement, page: ListingPage, selectors: Mapping[str, str], url: str
) -> None:
    """`links` (anchors of article links) and `next_page` selectors override the heuristics."""
    links = selectors.get("links") or selectors.get("listing_links")
    if links:
        anchors = [a for a in select(root, links) if isinstance(a, HtmlElement)]
        by_url = {e.url: e for e in page.entries}
        chosen: dict[str, ListingEntry] = {}
        for a in anchors:
            href = (a.get("href") or "").strip()
            target, problem = _selected_target(url, href)
            if problem:
                page.invalid_links[problem] = page.invalid_links.get(problem, 0) + 1
            elif href and target not in chosen:
                chosen[target] = by_url.get(target) or ListingEntry(target, text_of(a) or None)
        page.entries = list(chosen.values())
    following = selectors.get("next_page")
    if following:
        hrefs = [
            v.get("href") if isinstance(v, HtmlElement) else v for v in select(root, following)
        ]
        joined = (absolute_url(url, str(h)) for h in hrefs if h)
        page.next_page = next((h for h in joined if h), page.next_page)


def extract_listing(response: Any, selectors: Mapping[str, str] | None = None) -> ListingPage:
    """Article links, next page and feeds of a Scrapy HtmlResponse."""
    return extract_listing_html(
        response.body, response.url, encoding=response.encoding, selectors=selectors
    )
