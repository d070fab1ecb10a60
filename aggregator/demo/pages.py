"""HTML of the sample site, in the shape of a WordPress news theme.

Article pages carry the boilerplate real sites wrap around an article (see
`shared/seed/news-page.txt`): a category label, share buttons, tag residue
("(TagstoTranslate)"), "Source link", an author box that says "Admin", and a
"Recent Posts" sidebar whose teasers show only relative times. Each article
shows its own date in one of four ways (JSON-LD, OpenGraph, `<time>`, or not
at all), so every extraction path is exercised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from html import escape
from json import dumps

from aggregator.demo.content import DemoArticle


def relative(published: datetime, now: datetime) -> str:
    """The teaser time a WordPress theme prints: "29 mins ago", "3 days ago", a date."""
    minutes = int((now - published).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min{'s' if minutes != 1 else ''} ago"
    if minutes < 24 * 60:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    if minutes < 7 * 24 * 60:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''} ago"
    return f"{published:%B} {published.day}, {published:%Y}"


@cache
def _padding(kilobytes: int) -> str:
    """Menu, script and footer markup that real themes add; makes pages realistically large."""
    if kilobytes <= 0:
        return ""
    item = '<li class="menu-item"><a href="/category/news/">Section link</a></li>'
    script = "<script>window.__theme = {config: 'x'.repeat(1), widgets: []};</script>"
    unit = item * 8 + script
    return '<div class="mega-menu">' + unit * max(1, kilobytes * 1024 // len(unit)) + "</div>"


def layout(title: str, head: str, main: str, sidebar: str, *, padding_kb: int = 0) -> str:
    """The theme around every page."""
    return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8">
<title>{escape(title)} | Demo Daily</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}</head>
<body class="wordpress">
<header class="site-header"><a class="logo" href="/">Demo Daily</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/category/news/">News</a></li>
<li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li></ul></nav>
{_padding(padding_kb)}</header>
<div class="site-content"><main id="main" class="content-area">{main}</main>
<aside id="secondary" class="widget-area">{sidebar}</aside></div>
<footer class="site-footer"><p>&copy; Demo Daily. All rights reserved.</p>
<a href="/privacy/">Privacy policy</a></footer></body></html>"""


def recent_posts(articles: Sequence[DemoArticle], now: datetime) -> str:
    """The "Recent Posts" widget: teasers with relative times only."""
    items = "".join(
        f'<li><a href="{a.path}">{escape(a.title)}</a><p>{escape(a.summary)}</p>'
        f'<span class="rpwe-time">{relative(a.published, now)}</span></li>'
        for a in articles
    )
    return f'<section class="widget recent-posts"><h2 class="widget-title">Recent Posts</h2><ul>{items}</ul></section>'


def _date_markup(article: DemoArticle, base_url: str) -> tuple[str, str]:
    """(head, byline) markup for the article's own date, by its date style."""
    iso = article.published.isoformat()
    if article.date_style == "jsonld":
        data = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": "Demo Daily", "url": base_url + "/"},
                {
                    "@type": "NewsArticle",
                    "headline": article.title,
                    "datePublished": iso,
                    "author": [{"@type": "Person", "name": article.author}]
                    if article.author
                    else [],
                    "mainEntityOfPage": base_url + article.path,
                },
            ],
        }
        return f'<script type="application/ld+json">{dumps(data)}</script>', ""
    if article.date_style == "meta":
        return f'<meta property="article:published_time" content="{iso}">', ""
    if article.date_style == "time":
        shown = f"{article.published:%B} {article.published.day}, {article.published:%Y}"
        return "", f'<time class="entry-date published" datetime="{iso}">{shown}</time>'
    return "", ""


def article_page(
    article: DemoArticle,
    recent: Sequence[DemoArticle],
    now: datetime,
    base_url: str,
    *,
    padding_kb: int = 0,
) -> str:
    """One article page with its boilerplate."""
    head, byline = _date_markup(article, base_url)
    head += (
        f'<link rel="canonical" href="{base_url}{article.path}">'
        f'<meta property="og:title" content="{escape(article.title)}">'
        f'<meta property="og:type" content="article">'
        f'<meta name="description" content="{escape(article.summary)}">'
    )
    author = article.author or "Admin"
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    residue = "(TagstoTranslate)" + "(T)".join(escape(t) for t in article.tags)
    main = f"""<article class="post type-post">
<div class="cat-links">Categories: <a href="/category/news/" rel="category tag">{article.category}</a></div>
<h1 class="entry-title">{escape(article.title)}</h1>
<div class="entry-meta">{byline}</div>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<div class="entry-content">{paragraphs}<p>{residue}</p>
<p><a href="https://source.example.invalid/original" rel="nofollow">Source link</a></p></div>
<div class="author-box"><span class="author vcard">{escape(author)}</span></div>
</article>"""
    return layout(article.title, head, main, recent_posts(recent, now), padding_kb=padding_kb)


def listing_page(
    teasers: Sequence[tuple[str, DemoArticle]],
    now: datetime,
    next_url: str | None,
    recent: Sequence[DemoArticle],
    *,
    padding_kb: int = 0,
) -> str:
    """A category page: one teaser per (link, article), then the pagination."""
    posts = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="{escape(link)}">{escape(a.title)}</a></h2>'
        f'<div class="entry-meta"><span class="posted-on">{relative(a.published, now)}</span></div>'
        f'<div class="entry-summary"><p>{escape(a.summary)}</p></div></article>'
        for link, a in teasers
    )
    nav = f'<a class="next page-numbers" href="{next_url}">Next &raquo;</a>' if next_url else ""
    head = f'<link rel="next" href="{next_url}">' if next_url else ""
    main = f'<h1 class="page-title">Category: News</h1>{posts}<nav class="pagination">{nav}</nav>'
    return layout("News", head, main, recent_posts(recent, now), padding_kb=padding_kb)
