"""The sample news site: a deterministic WordPress-like site behind a route table.

`NewsSite` answers paths with (status, headers, body) and knows nothing of
HTTP servers, so tests, benchmarks and `scrapy demo` serve the same site.
Its clock is frozen at `now`: every relative teaser time ("29 mins ago") is
computed from it. Besides articles it has the traps of real sites: one
article linked with tracking parameters and again without its trailing slash,
a `?p=ID` short link that redirects, and a link to an article that is gone.
Tests add pages or change articles with `add_page` and `update_article`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aggregator.demo.content import AUTHORS, TAGS, DemoArticle, make_paragraphs, make_title, slugify
from aggregator.demo.pages import article_page, listing_page

HTML = "text/html; charset=utf-8"
DATE_STYLES = ("none", "jsonld", "meta", "time")
# Minutes before `now` of the first articles: the first is the seed page's "29 mins ago";
# none lands on local midnight, where a machine date would honestly read as day precision.
FIRST_AGES = (29, 95, 180, 400, 1500, 3000, 4400, 6000, 9000, 12017, 15000, 20000)

Handler = Callable[[str], "Response"]


@dataclass(slots=True)
class Response:
    """What the site answers for one path."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": HTML})


def _ages(count: int) -> list[int]:
    ages = list(FIRST_AGES[:count])
    while len(ages) < count:
        ages.append(ages[-1] + 97)
    return ages


def generate_articles(
    now: datetime, count: int, *, timezone: str, seed: int, paragraphs: int = 5
) -> list[DemoArticle]:
    """`count` articles, newest first, dated back from `now`, cycling the date styles."""
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    articles = []
    for number, age in enumerate(_ages(count)):
        title = make_title(rng, number)
        articles.append(
            DemoArticle(
                number=number + 1,
                slug=slugify(title),
                title=title,
                paragraphs=make_paragraphs(rng, title, paragraphs),
                published=(now - timedelta(minutes=age))
                .astimezone(zone)
                .replace(second=0, microsecond=0),
                date_style=DATE_STYLES[number % len(DATE_STYLES)],
                author=AUTHORS[number % len(AUTHORS)] if number % 3 else None,
                tags=rng.sample(TAGS, 2),
            )
        )
    return articles


class NewsSite:
    """A WordPress-like news site with a frozen clock."""

    def __init__(
        self,
        now: datetime = datetime(2024, 7, 5, 12, 0, tzinfo=UTC),
        *,
        articles: int = 12,
        per_page: int = 5,
        timezone: str = "America/New_York",
        seed: int = 7,
        padding_kb: int = 0,
        base_url: str = "",
    ) -> None:
        self.now = now
        self.per_page = per_page
        self.timezone = timezone
        self.padding_kb = padding_kb
        self.base_url = base_url
        self.articles = generate_articles(now, articles, timezone=timezone, seed=seed)
        self._by_path: dict[str, DemoArticle] = {}
        self.extra: dict[str, Handler] = {}

    # --- what tests change -------------------------------------------------
    def add_page(self, path: str, page: Handler | Response) -> None:
        """Serve `path` with a fixed response or a handler taking the full target."""
        if isinstance(page, Response):
            fixed = page
            self.extra[path] = lambda _target: fixed
        else:
            self.extra[path] = page

    def update_article(self, number: int, paragraph: str) -> DemoArticle:
        """Append a paragraph to article `number` (1-based), as an editor's update would."""
        article = self.articles[number - 1]
        article.paragraphs.append(paragraph)
        return article

    # --- what the crawler sees ------------------------------------------------
    @property
    def pages(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))

    def listing_path(self, page: int) -> str:
        return "/category/news/" if page == 1 else f"/category/news/page/{page}/"

    def teasers(self, page: int) -> list[tuple[str, DemoArticle]]:
        """The (link, article) pairs of listing page `page`, with the traps placed."""
        chunk = self.articles[(page - 1) * self.per_page : page * self.per_page]
        links = [(a.path, a) for a in chunk]
        if page == 1 and len(chunk) >= 2:
            first = chunk[0]
            links[1] = (chunk[1].path + "?utm_source=twitter&utm_medium=social", chunk[1])
            links.append((first.path.rstrip("/"), first))
        if page == 1 and len(chunk) >= 3:
            links[2] = (f"/?p={chunk[2].number}", chunk[2])
        if page == self.pages:
            gone = DemoArticle(
                0,
                "retracted-story",
                "A story that was retracted",
                ["Gone."],
                self.now - timedelta(days=30),
                "none",
                None,
            )
            links.append((gone.path, gone))
        return links

    def handle(self, target: str) -> Response:
        """The response for a request target (path and query)."""
        parts = urlsplit(target)
        path = parts.path or "/"
        if target in self.extra or path in self.extra:
            return (self.extra.get(target) or self.extra[path])(target)
        if path == "/robots.txt":
            return Response(
                200, b"User-agent: *\nDisallow: /wp-admin/\n", {"Content-Type": "text/plain"}
            )
        if path == "/" and parts.query.startswith("p="):
            return self._shortlink(parts.query[2:])
        if path == "/":
            return Response(301, headers={"Location": "/category/news/"})
        page = self._listing_page_number(path)
        if page is not None:
            return self._listing(page)
        by_path = self._articles_by_path()
        if path in by_path:
            return self._article(by_path[path])
        if path + "/" in by_path:
            return Response(301, headers={"Location": path + "/"})
        return Response(404, b"<html><body><h1>Not found</h1></body></html>")

    def _articles_by_path(self) -> dict[str, DemoArticle]:
        # Rebuilt when tests add articles; large benchmark sites need the lookup to be O(1).
        if len(self._by_path) != len(self.articles):
            self._by_path = {article.path: article for article in self.articles}
        return self._by_path

    def _listing_page_number(self, path: str) -> int | None:
        if path == self.listing_path(1):
            return 1
        match = re.fullmatch(r"/category/news/page/(\d+)/", path)
        if match and 2 <= int(match.group(1)) <= self.pages:
            return int(match.group(1))
        return None

    def _shortlink(self, number: str) -> Response:
        if number.isdigit() and 1 <= int(number) <= len(self.articles):
            return Response(301, headers={"Location": self.articles[int(number) - 1].path})
        return Response(404, b"<html><body><h1>Not found</h1></body></html>")

    def _recent(self, exclude: DemoArticle | None = None) -> Sequence[DemoArticle]:
        return [a for a in self.articles if a is not exclude][:6]

    def _listing(self, page: int) -> Response:
        next_url = self.listing_path(page + 1) if page < self.pages else None
        html = listing_page(
            self.teasers(page), self.now, next_url, self._recent(), padding_kb=self.padding_kb
        )
        return Response(200, html.encode("utf-8"))

    def _article(self, article: DemoArticle) -> Response:
        html = article_page(
            article, self._recent(article), self.now, self.base_url, padding_kb=self.padding_kb
        )
        return Response(200, html.encode("utf-8"))
