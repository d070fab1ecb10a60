"""Article extraction: run the layers over one parsed tree and pick each field.

Layers, most trusted first: the site's selectors, JSON-LD, OpenGraph and
`<meta>`, microdata and `<time>`, then the generic text extractor and the URL.
`ArticleItem.sources` records which layer supplied each field, so a wrong value
can be traced to the layer (and fixed with a selector) without re-crawling.
A body not given by selectors passes the safety net (`safety.py`), which may
replace it with a second strategy's and records why under `sources["body_fallback"]`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache, partial
from typing import Any

from lxml.html import HtmlElement

from aggregator.extract import (
    clean,
    datefind,
    headings,
    jsonld,
    meta,
    pagekind,
    safety,
    selectors,
    text,
)
from aggregator.extract.byline import byline_authors, category_links, rel_links, tag_links
from aggregator.extract.dateline import body_dateline
from aggregator.extract.document import decode, norm_space, parse_html, text_of
from aggregator.extract.stamps import Stamp, find_stamps, local_form
from aggregator.extract.title import choose_title
from aggregator.items import ArticleItem
from aggregator.urls import absolute_url

logger = logging.getLogger(__name__)
Layers = list[tuple[str, dict[str, Any]]]


def _layers(root: HtmlElement, url: str, sel: Mapping[str, str] | None) -> tuple[Layers, str]:
    """Values per layer in priority order, and what JSON-LD claims (see pagekind.is_article)."""
    links = meta.link_fields(root, url)
    metas = meta.meta_fields(meta.read_meta(root))
    nodes = jsonld.read_nodes(root)
    page_urls = {url, links.get("canonical", ""), metas.get("canonical", "")}
    node = jsonld.pick_article(nodes, page_urls)
    claim = ""
    if node is not None and jsonld.describes_page(node, nodes, page_urls):
        claim = "names_page" if jsonld.names_page(node, page_urls) else "describes"
    layers: Layers = [
        ("selectors", selectors.selector_fields(root, sel)),
        ("jsonld", jsonld.article_fields(node, nodes) if node else {}),
        ("meta", {**metas, **{k: v for k, v in links.items() if v}}),
        ("microdata", meta.microdata_fields(root)),
        ("time", dict(datefind.time_fields(root))),
    ]
    return layers, claim


def _pick(layers: Layers, name: str) -> tuple[Any, str | None]:
    for layer, values in layers:
        if values.get(name):
            return values[name], layer
    return None, None


class _StampScan:
    """The page's visible date stamps, scanned at most once and only when a field asks."""

    def __init__(self, root: HtmlElement) -> None:
        self._root = root
        self._found: dict[str, Stamp] | None = None
        lang = clean.language_code(root.get("lang"))
        self.languages = [lang] if lang else None  # for stamps in words: "13 gusht 2020"

    def scan(self) -> dict[str, Stamp]:
        if self._found is None:
            self._found = find_stamps(self._root, languages=self.languages)
        return self._found

    def seen(self) -> dict[str, Stamp]:
        """The stamps if a field has scanned for them already, else none."""
        return self._found or {}


def _date(
    layers: Layers,
    name: str,
    url: str,
    root: HtmlElement,
    title: str | None,
    stamps: _StampScan,
) -> tuple[str | None, str | None, str | None]:
    """Raw date, its DATE_SOURCES kind, and the layer that supplied it."""
    candidates: list[tuple[str | None, str]] = []
    layer_of: dict[int, str] = {}
    for layer, values in layers:
        kind = _KINDS.get(layer, layer)
        if values.get(f"{name}_tag") == "time":
            kind = "time"
        layer_of[len(candidates)] = layer
        candidates.append((values.get(name), kind))
    if name == "published":
        layer_of[len(candidates)] = "url"
        candidates.append((datefind.url_date(url), "url"))
    # Only an ISO datetime would outrank every value found so far, and the visible
    # stamps and the text scan are the costliest layers: skip them when one is there.
    precise = any(v and datefind.ISO_DATETIME.match(norm_space(v)) for v, _ in candidates)
    # A modified date is read from the stamps only when the published date needed them:
    # the scan is a pass over the whole page, too dear for the modified date alone.
    stamp = None
    if not precise:
        stamp = (stamps.scan() if name == "published" else stamps.seen()).get(name)
    visible: tuple[int, date, bool] | None = None
    if stamp is not None:
        visible = (len(candidates), stamp.parsed.value.date(), stamp.parsed.precision != "day")
        layer_of[len(candidates)] = "stamp"
        candidates.append((stamp.raw, "text"))
    if name == "published" and stamp is None and not precise:
        found = datefind.text_date(root, title)
        updated = stamps.seen().get("modified")
        if found and updated is not None and found in updated.raw:
            found = None  # the date the "Updated …" stamp already gave to modified
        layer_of[len(candidates)] = "text"
        candidates.append((found, "text"))
    index = clean.choose_date(candidates, visible)
    if index is None:
        return None, None, None
    value = norm_space(candidates[index][0])
    if name == "published" and value.endswith(("Z", "+00:00")) and name not in stamps.seen():
        # A UTC instant: the wall time printed under the headline gives the site's offset.
        local = local_form(value, datefind.text_date(root, title), languages=stamps.languages)
        if local:
            return local, candidates[index][1], layer_of[index]
    return value, candidates[index][1], layer_of[index]


_KINDS = {"selectors": "text", "jsonld": "jsonld", "meta": "meta", "microdata": "meta"}


def _title(root: HtmlElement, layers: Layers, url: str, site: str | None) -> tuple[str | None, str]:
    chosen, _layer = _pick(layers[:1], "title")
    if chosen:
        return str(chosen), "selectors"
    metadata: list[tuple[str, str]] = []
    for layer, values in layers[1:]:
        # The meta layer offers every distinct title it has (og:title, twitter:title,
        # `<meta name=headline>`…): comparing them reveals a site suffix that one carries.
        titles = values.get("titles") or ([values["title"]] if values.get("title") else [])
        metadata.extend((title, layer) for title in titles)
    page_title = next((text_of(t) for t in root.iter("title")), None)
    lesser = partial(headings.lesser_headings, root)
    shown = headings.visible_headings(root, url)
    return choose_title(metadata, shown, page_title, url, site, lesser)


def _body(layers: Layers, root: HtmlElement) -> tuple[str | None, str | None]:
    chosen, layer = _pick(layers[:1], "body")
    if chosen:
        return str(chosen), layer
    paragraphs = text.main_text(root)
    body = "\n\n".join(paragraphs)
    ld_body = norm_space(layers[1][1].get("body"))
    if len(ld_body) > 2 * len(body) + 200:
        return ld_body, "jsonld"
    return (body or None), ("text" if body else None)


def _checked_body(
    root: HtmlElement,
    layers: Layers,
    evidence: safety.Evidence,
    page: Callable[[], str],
    url: str,
) -> safety.Outcome:
    """The body, judged by the safety net (`safety.py`) unless the site's selectors gave it.

    `page` decodes the page again, for the second strategy: only weak pages call it.
    """
    body, layer = _body(layers, root)
    if layer == "selectors":
        return safety.Outcome(body, layer, None)
    return safety.settle(body, layer, evidence, page, url)


def _authors(
    layers: Layers,
    root: HtmlElement,
    title: str | None,
    links: Callable[[], list[HtmlElement]],
    site: str | None,
) -> tuple[list[str], str | None]:
    """People from the first layer that names any, then the byline; else the site signing."""
    found = [(layer, values["authors"]) for layer, values in layers if values.get("authors")]
    for layer, names in found:
        people = clean.clean_authors(names, site)
        if people:
            return people, layer
    people = clean.clean_authors(byline_authors(root, title, links()), site)
    if people:
        return people, "text"
    for layer, names in found:
        people = clean.clean_authors(names, site, keep_site=True)
        if people:
            return people, layer
    return [], None


def _fill(item: ArticleItem, root: HtmlElement, layers: Layers, url: str) -> None:
    """Every field but the body, each from the first layer that has it."""
    site, _ = _pick(layers, "site_name")
    item.title, item.sources["title"] = _title(root, layers, url, site)
    stamps = _StampScan(root)
    for name, attr in (("published", "published_raw"), ("modified", "modified_raw")):
        value, kind, layer = _date(layers, name, url, root, item.title, stamps)
        setattr(item, attr, value)
        setattr(item, attr.replace("_raw", "_source"), kind)
        if layer:
            item.sources[attr] = layer
    links = cache(lambda: rel_links(root))  # one scan, and only if a fallback needs it
    item.authors, authors_layer = _authors(layers, root, item.title, links, site)
    summary, summary_layer = _pick(layers, "summary")
    item.summary = norm_space(summary) or None
    image, image_layer = _pick(layers, "image")
    item.image_url = absolute_url(url, str(image)) if image else None
    category, category_layer = _pick(layers, "category")
    item.category = norm_space(category) or next(iter(category_links(root, links())), None)
    tags, tags_layer = _pick(layers, "tags")
    item.tags = clean.unique(tags or tag_links(root, links()))
    language, language_layer = _pick(
        [("meta", {"language": root.get("lang")}), *layers], "language"
    )
    item.language = clean.language_code(language)
    # rel=canonical and og:url (the meta layer) name the page; JSON-LD `url` may name the story.
    canonical, canonical_layer = _pick([layers[0], layers[2], layers[1]], "canonical")
    item.canonical_url = absolute_url(url, str(canonical)) if canonical else None
    found: list[tuple[str, str | None]] = [
        ("authors", authors_layer or "text"), ("summary", summary_layer),
        ("image_url", image_layer), ("category", category_layer or "text"),
        ("tags", tags_layer or "text"), ("language", language_layer),
        ("canonical_url", canonical_layer),
    ]  # fmt: skip
    for field_name, layer_name in found:
        if getattr(item, field_name) and layer_name:
            item.sources[field_name] = layer_name


def _extract(
    html: str | bytes, url: str, encoding: str | None, sel: Mapping[str, str] | None
) -> ArticleItem | None:
    root = parse_html(html, encoding)
    if root is None:
        return None
    layers, claim = _layers(root, url, sel)
    judged = not layers[0][1]  # a site with selectors says what its articles are
    if judged and pagekind.refused(root, url, article_node=claim):
        return None  # a listing or home page: no need to look for its text
    og_type, _ = _pick(layers, "og_type")
    declared = bool(claim) or str(og_type).lower() == "article"
    evidence = safety.gather(root, declared)  # one pass over the <p>s: cheap beside the walk
    if judged and pagekind.ruled_out(root, url, article_node=claim, evidence=evidence):
        return None  # a listing or static page without strong article evidence
    outcome = _checked_body(root, layers, evidence, partial(decode, html, encoding), url)
    body, body_layer = outcome.body, outcome.layer
    prose = len(body or "")
    if judged and not pagekind.is_article(
        root, url, article_node=claim, og_type=og_type, prose=prose, evidence=evidence
    ):
        return None
    item = ArticleItem(url=url, body=body)
    if body_layer:
        item.sources["body"] = body_layer
    if outcome.reason:
        item.sources[safety.REASON_KEY] = outcome.reason
    _fill(item, root, layers, url)
    if item.published_raw is None and body:
        # No date anywhere but the body's own dateline (checked last: it is the least sure).
        item.published_raw = body_dateline(body)
        if item.published_raw:
            item.published_source = item.sources["published_raw"] = "text"
    if body and body_layer in ("text", safety.FALLBACK_LAYER) and item.title:
        item.body = _without_title(body, item.title)
    return item


def _without_title(body: str, title: str) -> str | None:
    """Drop the headline where the page repeats it as the body's first paragraphs."""
    paragraphs = body.split("\n\n")
    key = clean.text_key(title)
    kept = [p for i, p in enumerate(paragraphs) if i > 2 or clean.text_key(p) != key]
    return "\n\n".join(kept) or None


def extract_article_html(
    html: str | bytes,
    url: str,
    *,
    encoding: str | None = None,
    selectors: Mapping[str, str] | None = None,
) -> ArticleItem | None:
    """The article on a page given as HTML, or None when the page is not an article."""
    try:
        return _extract(html, url, encoding, selectors)
    except RecursionError:
        # lxml caps nesting at 255 levels, but a pathological page must not stop a crawl.
        logger.warning("extraction gave up on deeply nested page %s", url)
        return None


def extract_article(
    response: Any, selectors: Mapping[str, str] | None = None
) -> ArticleItem | None:
    """The article in a Scrapy HtmlResponse, or None when the page is not an article."""
    return extract_article_html(
        response.body, response.url, encoding=response.encoding, selectors=selectors
    )
