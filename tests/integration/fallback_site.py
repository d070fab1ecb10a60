"""Fixture pages for the body safety net: article pages that defeat the generic extractor.

`form_page` puts the article inside a page-wide `<form>` (as ASP.NET sites
do): the generic extractor skips forms whole, so it finds no body, while the
page declares a `NewsArticle` and its text sits in ordinary `<p>` elements.
The second strategy recovers it.

`script_page` ships the text only inside a script (a client-rendered page):
no strategy finds a body, and the page still declares an article.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable

from aggregator.demo.content import DemoArticle
from aggregator.demo.site import NewsSite, Response

Page = Callable[[DemoArticle], bytes]


def _head(article: DemoArticle) -> str:
    node = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
    }
    return (
        f"<head><meta charset='utf-8'><title>{html.escape(article.title)} | Daily</title>"
        f"<script type='application/ld+json'>{json.dumps(node)}</script></head>"
    )


def _chrome(inner: str) -> str:
    menu = "".join(f"<li><a href='/category/{n}/'>{n.title()}</a></li>" for n in ("news", "sport"))
    return (
        f"<header><a href='/'>Daily</a><nav><ul>{menu}</ul></nav></header>{inner}"
        "<footer><p>Copyright Daily. All rights reserved.</p></footer>"
    )


def _document(article: DemoArticle, inner: str) -> bytes:
    page = f"<!DOCTYPE html><html lang='en'>{_head(article)}<body>{_chrome(inner)}</body></html>"
    return page.encode()


def form_page(article: DemoArticle) -> bytes:
    """The article's text in `<p>` elements inside a page-wide `<form>`."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    form = (
        "<form id='aspnetForm' method='post' action='./'>"
        "<input type='hidden' name='__VIEWSTATE' value='dDwtMTA4MTY'>"
        f"<div class='content'><h1>{html.escape(article.title)}</h1>{paragraphs}</div></form>"
    )
    return _document(article, form)


def script_page(article: DemoArticle) -> bytes:
    """The article's text only in a script that a browser would render."""
    data = json.dumps({"paragraphs": article.paragraphs})
    app = (
        f"<h1>{html.escape(article.title)}</h1><div id='app'></div>"
        f"<script>window.__ARTICLE__ = {data};</script>"
    )
    return _document(article, app)


def defeat(site: NewsSite, numbers: Iterable[int], page: Page) -> list[DemoArticle]:
    """Serve articles `numbers` (1-based) of `site` with `page`; the articles so served."""
    changed = [site.articles[number - 1] for number in numbers]
    for article in changed:
        site.add_page(article.path, Response(200, page(article)))
    return changed
