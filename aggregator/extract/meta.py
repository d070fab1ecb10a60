"""OpenGraph, `<meta>`, `<link>`, microdata and `<time>` layers.

Each function reads the shared tree and returns raw values keyed by ArticleItem
field names; the article module decides which layer wins for each field.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract.document import norm_space, text_of
from aggregator.urls import absolute_url

Fields = dict[str, Any]

# Keys in priority order; values are read from <meta name|property|itemprop>.
TITLE_KEYS = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title")
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "article:published",
    "parsely-pub-date", "sailthru.date", "dcterms.created", "dcterms.issued", "dc.date.issued",
    "dc.date.created", "dc.date", "dcterms.date", "date", "pubdate", "publishdate",
    "publish-date", "publish_date", "published_time", "article.published", "datepublished",
    "article_date_original", "original-publish-date", "publication_date",
    "cxenseparse:recs:publishtime",
    "og:pubdate", "bt:pubdate", "nv:date", "displaydate", "datecreated", "date.created",
)  # fmt: skip
MODIFIED_KEYS = (
    "article:modified_time", "og:updated_time", "article:modified", "dcterms.modified",
    "dc.date.modified", "last-modified", "lastmod", "datemodified", "article.updated",
    "bt:moddate", "eomportal-lastupdate",
)  # fmt: skip
AUTHOR_KEYS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "byl", "cxenseparse:author", "twitter:creator:name", "article:author_name",
)  # fmt: skip
SUMMARY_KEYS = ("og:description", "description", "twitter:description", "dc.description")
IMAGE_KEYS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
SECTION_KEYS = ("article:section", "parsely-section", "section", "sailthru.section", "dc.subject")
TAG_KEYS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags")


def read_meta(root: HtmlElement) -> dict[str, list[str]]:
    """All `<meta>` values by lowercased name/property/itemprop, in page order."""
    found: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if key and content is not None:
            value = norm_space(content)
            if value:
                found.setdefault(key.strip().lower(), []).append(value)
    return found


def _first(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def meta_fields(meta: dict[str, list[str]]) -> Fields:
    """Map meta tags to ArticleItem field names (raw values)."""
    tags: list[str] = []
    for key in TAG_KEYS:
        for value in meta.get(key, []):
            tags.extend(t.strip() for t in value.split(",") if t.strip())
        if tags:
            break
    # Every value of the first key that names people: several `<meta name=author>` are
    # co-authors; `article:author` is often a profile URL, then the next key is asked.
    named = (meta.get(key, []) for key in AUTHOR_KEYS)
    authors = next((v[:5] for v in named if any("://" not in a for a in v)), [])
    # Every distinct title the tags give: the headline chooser compares them with each other.
    titles = list(dict.fromkeys(meta[key][0] for key in (*TITLE_KEYS, "headline") if meta.get(key)))
    fields: Fields = {
        "title": _first(meta, TITLE_KEYS),
        "titles": titles,
        "published": _first(meta, PUBLISHED_KEYS),
        "modified": _first(meta, MODIFIED_KEYS),
        "authors": authors,
        "summary": _first(meta, SUMMARY_KEYS),
        "image": _first(meta, IMAGE_KEYS),
        "category": _first(meta, SECTION_KEYS),
        "tags": tags,
        "language": _first(meta, ("og:locale", "content-language", "dc.language", "language")),
        "canonical": _first(meta, ("og:url",)),
        "site_name": _first(meta, ("og:site_name", "application-name", "twitter:site")),
        "og_type": _first(meta, ("og:type",)),
    }
    return {k: v for k, v in fields.items() if v}


def link_fields(root: HtmlElement, base: str, invalid: dict[str, int] | None = None) -> Fields:
    """rel=canonical, rel=author names, and the feeds a page announces.

    An href that does not parse is skipped, and counted in `invalid` when given.
    """
    fields: Fields = {"feeds": []}
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if not href:
            continue
        target = absolute_url(base, href)
        if target is None:
            if invalid is not None:
                invalid["unparsable"] = invalid.get("unparsable", 0) + 1
            continue
        if "canonical" in rel and "canonical" not in fields:
            fields["canonical"] = target
        elif "alternate" in rel and (el.get("type") or "").lower() in (
            "application/rss+xml",
            "application/atom+xml",
        ):
            fields["feeds"].append(target)
    return fields


def _itemprop_value(el: HtmlElement) -> str:
    for attr in ("content", "datetime"):
        if el.get(attr):
            return norm_space(el.get(attr))
    return text_of(el)


# Selecting attribute nodes and stepping to their element is far cheaper in
# libxml2 than a predicate on every element; the union keeps page order.
_PROPERTIES = etree.XPath("//@itemprop/.. | //@property/..")


def microdata_fields(root: HtmlElement) -> Fields:
    """Article fields from itemprop attributes (schema.org microdata or RDFa-lite)."""
    fields: Fields = {}
    authors: list[str] = []
    for el in _PROPERTIES(root):
        if el.tag == "meta" and el.get("name"):
            continue
        prop = (el.get("itemprop") or el.get("property") or "").lower()
        if prop == "headline" and "title" not in fields:
            fields["title"] = _itemprop_value(el)
        elif prop == "datepublished" and "published" not in fields:
            fields["published"] = _itemprop_value(el)
            fields["published_tag"] = el.tag
        elif prop == "datemodified" and "modified" not in fields:
            fields["modified"] = _itemprop_value(el)
        elif prop == "author" and len(authors) < 10:
            names = el.xpath(".//*[@itemprop='name']")
            authors.append(_itemprop_value(names[0]) if names else _itemprop_value(el))
        elif prop == "articlesection" and "category" not in fields:
            fields["category"] = _itemprop_value(el)
    if authors:
        fields["authors"] = authors
    return {k: v for k, v in fields.items() if v}
