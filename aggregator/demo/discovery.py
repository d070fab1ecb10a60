"""Discovery routes for the sample site: feeds, news sitemaps, a JavaScript-only listing.

Each `add_*` function adds routes to a `NewsSite` with `NewsSite.add_page`, so
tests and benchmarks choose which variant a site has:

- `add_feed`: an RSS 2.0 (or Atom) feed of some articles, with exact dates;
  optionally advertised by a listing page's `<link rel="alternate">`.
- `add_news_sitemaps`: robots.txt `Sitemap:` line -> a (gzipped) sitemap index ->
  a Google News sitemap (`news:publication_date`, `news:title`, `lastmod`) and a
  plain post sitemap without news entries.
- `add_js_listing`: a listing page whose served HTML has no article links; a
  script builds them, as on sites whose front end is a JavaScript application.
- `add_hostile`: a billion-laughs feed, an XXE feed, an oversized sitemap and a
  gzip bomb sitemap, for the tests that check they are refused.

URLs inside feeds and sitemaps are absolute, built from `site.base_url` when
the route is requested (the server sets it when it binds its port).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape

from aggregator.demo.content import DemoArticle
from aggregator.demo.pages import layout, relative
from aggregator.demo.site import HTML, NewsSite, Response

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def rfc822(moment: datetime) -> str:
    """A feed's pubDate: RFC 822 with the article's own offset ("Fri, 05 Jul 2024 07:31:00 -0400")."""
    return format_datetime(moment)


def rss_feed(site: NewsSite, articles: Sequence[DemoArticle]) -> bytes:
    """An RSS 2.0 feed of `articles`."""
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{site.base_url}{a.path}</link>"
        f'<guid isPermaLink="true">{site.base_url}{a.path}</guid>'
        f"<pubDate>{rfc822(a.published)}</pubDate>"
        f"<description>{escape(a.summary)}</description></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Demo Daily</title><link>{site.base_url}/</link>"
        f"<description>News</description>{items}</channel></rss>"
    ).encode()


def atom_feed(site: NewsSite, articles: Sequence[DemoArticle]) -> bytes:
    """An Atom 1.0 feed of `articles` (relative links, resolved against the feed)."""
    entries = "".join(
        f'<entry><title>{escape(a.title)}</title><link rel="alternate" href="{a.path}"/>'
        f"<id>{site.base_url}{a.path}</id><published>{a.published.isoformat()}</published>"
        f"<updated>{a.published.isoformat()}</updated></entry>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Demo Daily</title><id>{site.base_url}/</id>"
        f"<updated>{site.now.isoformat()}</updated>{entries}</feed>"
    ).encode()


def add_feed(
    site: NewsSite,
    articles: Sequence[DemoArticle],
    *,
    path: str = "/feed/",
    atom: bool = False,
    advertise_on: str | None = None,
) -> None:
    """Serve a feed of `articles` at `path`; `advertise_on` a listing path links it."""
    kind = ATOM if atom else RSS
    render = atom_feed if atom else rss_feed
    site.add_page(
        path, lambda _target: Response(200, render(site, articles), {"Content-Type": kind})
    )
    if advertise_on is not None:
        link = f'<link rel="alternate" type="{kind.split(";")[0]}" title="Feed" href="{path}">'
        _add_head_link(site, advertise_on, link)


def _add_head_link(site: NewsSite, listing_path: str, link: str) -> None:
    page = next(p for p in range(1, site.pages + 1) if site.listing_path(p) == listing_path)

    def handler(_target: str) -> Response:
        body = site._listing(page).body.replace(b"</head>", link.encode() + b"</head>", 1)
        return Response(200, body)

    site.add_page(listing_path, handler)


def news_sitemap(site: NewsSite, articles: Sequence[DemoArticle]) -> bytes:
    """A Google News sitemap of `articles`."""
    urls = "".join(
        f"<url><loc>{site.base_url}{a.path}</loc><lastmod>{a.published.isoformat()}</lastmod>"
        f"<news:news><news:publication><news:name>Demo Daily</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" '
        f'xmlns:news="{NEWS_NS}">{urls}</urlset>'
    ).encode()


def plain_sitemap(site: NewsSite, articles: Sequence[DemoArticle]) -> bytes:
    """A sitemap without news entries, as SEO plugins write for the whole archive."""
    urls = "".join(
        f"<url><loc>{site.base_url}{a.path}</loc><lastmod>{a.published.isoformat()}</lastmod></url>"
        for a in articles
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode()


def sitemap_index(site: NewsSite, paths: Sequence[str]) -> bytes:
    """A sitemap index naming `paths`."""
    entries = "".join(
        f"<sitemap><loc>{site.base_url}{path}</loc><lastmod>{site.now.isoformat()}</lastmod></sitemap>"
        for path in paths
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>'.encode()


def add_news_sitemaps(
    site: NewsSite,
    news: Sequence[DemoArticle],
    *,
    plain: Sequence[DemoArticle] = (),
    gzipped_index: bool = True,
    robots: bool = True,
) -> str:
    """robots.txt -> index -> news sitemap (and a plain one); returns the index's path."""
    index_path = "/sitemap_index.xml.gz" if gzipped_index else "/sitemap_index.xml"
    children = ["/news-sitemap.xml", "/post-sitemap.xml"]

    def index(_target: str) -> Response:
        body = sitemap_index(site, children)
        if gzipped_index:
            # A .xml.gz file: gzip is the file's own format, not a transfer encoding.
            return Response(200, gzip.compress(body, mtime=0), {"Content-Type": "application/gzip"})
        return Response(200, body, {"Content-Type": XML})

    site.add_page(index_path, index)
    site.add_page(
        children[0], lambda _t: Response(200, news_sitemap(site, news), {"Content-Type": XML})
    )
    site.add_page(
        children[1], lambda _t: Response(200, plain_sitemap(site, plain), {"Content-Type": XML})
    )
    if robots:
        site.add_page(
            "/robots.txt",
            lambda _t: Response(
                200,
                f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {site.base_url}{index_path}\n".encode(),
                {"Content-Type": "text/plain"},
            ),
        )
    return index_path


JS_LISTING_SCRIPT = """
document.addEventListener('DOMContentLoaded', function () {
  var data = JSON.parse(document.getElementById('posts-data').textContent);
  var main = document.getElementById('posts');
  data.forEach(function (post) {
    var card = document.createElement('article');
    card.className = 'post';
    card.innerHTML = '<h2 class="entry-title"><a></a></h2>' +
      '<div class="entry-meta"><span class="posted-on"></span></div>';
    var link = card.querySelector('a');
    link.href = post.p.split('').reverse().join('');
    link.textContent = post.t;
    card.querySelector('.posted-on').textContent = post.d;
    main.appendChild(card);
  });
});
"""


def js_listing_html(articles: Sequence[DemoArticle], now: datetime) -> bytes:
    """A listing whose links exist only once its script has run (paths are stored reversed)."""
    data = [{"p": a.path[::-1], "t": a.title, "d": relative(a.published, now)} for a in articles]
    # "</" cannot close the script element early: JSON escapes it as "<\\/".
    payload = json.dumps(data).replace("</", "<\\/")
    head = f"<script>{JS_LISTING_SCRIPT}</script>"
    main = (
        '<h1 class="page-title">Category: News</h1><div id="posts"></div>'
        f'<script type="application/json" id="posts-data">{payload}</script>'
        "<noscript>This page needs JavaScript.</noscript>"
        # The browser aborts images: this one must never reach the server.
        '<img class="logo" src="/wp-content/logo.png" alt="">'
    )
    return layout("News", head, main, "").encode()


def add_js_listing(
    site: NewsSite, articles: Sequence[DemoArticle], *, path: str = "/js/news/"
) -> str:
    """Serve a JavaScript-built listing of `articles` at `path`; returns the path."""
    site.add_page(
        path, lambda _t: Response(200, js_listing_html(articles, site.now), {"Content-Type": HTML})
    )
    return path


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    b"<item><title>&lol9;</title><link>/bomb/</link></item></channel></rss>"
)
XXE_FEED = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
    b"<link>/xxe/</link></item></channel></rss>"
)


def oversized_sitemap(site: NewsSite, size: int) -> bytes:
    """A well-formed sitemap of at least `size` bytes (news entries for made-up URLs)."""
    entry = (
        f"<url><loc>{site.base_url}/2024/07/05/filler-{{n}}/</loc><news:news>"
        f"<news:publication_date>2024-07-05T10:00:00Z</news:publication_date>"
        f"<news:title>Filler</news:title></news:news></url>"
    )
    count = size // len(entry) + 1
    urls = "".join(entry.format(n=n) for n in range(count))
    return f'<?xml version="1.0"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">{urls}</urlset>'.encode()


def add_hostile(site: NewsSite, *, oversize: int = 1024 * 1024) -> dict[str, str]:
    """Hostile feeds and sitemaps; returns their paths by name."""
    paths = {
        "billion_laughs": "/feed/bomb/",
        "xxe": "/feed/xxe/",
        "oversized": "/sitemap-huge.xml",
        "gzip_bomb": "/sitemap-bomb.xml.gz",
    }
    site.add_page(paths["billion_laughs"], Response(200, BILLION_LAUGHS, {"Content-Type": RSS}))
    site.add_page(paths["xxe"], Response(200, XXE_FEED, {"Content-Type": RSS}))
    site.add_page(
        paths["oversized"],
        lambda _t: Response(200, oversized_sitemap(site, oversize), {"Content-Type": XML}),
    )
    # Inflates to `oversize` * 4 bytes of padding inside a valid-looking sitemap.
    bomb = gzip.compress(
        f'<?xml version="1.0"?>\n<urlset xmlns="{SITEMAP_NS}"><!--'.encode()
        + b" " * (oversize * 4)
        + b"--></urlset>",
        mtime=0,
    )
    site.add_page(paths["gzip_bomb"], Response(200, bomb, {"Content-Type": "application/gzip"}))
    return paths
