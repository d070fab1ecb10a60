"""Failure reasons for the stats, and the redirect-loop counting duplicate filter."""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.python.failure import Failure

from aggregator.dupefilter import CountingDupeFilter
from aggregator.spiders.failures import failure_reason
from aggregator.spiders.news import NewsSpider


class Skipped(IgnoreRequest):
    """A deliberate skip, counted by whoever raised it."""


def reason(error: Exception) -> str | None:
    try:
        raise error
    except Exception:
        return failure_reason(Failure())


def test_reasons() -> None:
    response = Response("https://a.example/x", status=503)
    assert reason(HttpError(response, "Ignoring non-200 response")) == "http_503"
    assert reason(IgnoreRequest("max redirections reached")) == "redirect_limit"
    assert reason(IgnoreRequest("Forbidden by robots.txt")) == "robots_txt"
    assert reason(IgnoreRequest("Filtered offsite request to 'b.example'")) == "offsite"
    assert reason(IgnoreRequest("... exceeded DOWNLOAD_MAXSIZE (1048576 B) ...")) == "too_large"
    assert reason(IgnoreRequest("something else")) == "ignored"
    assert reason(TwistedTimeout()) == "TimeoutError"
    assert reason(Skipped("already stored")) is None


def test_the_dupefilter_counts_loops_and_redirects_to_known_pages() -> None:
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, url="https://a.example/news/")
    crawler.spider = spider
    crawler.stats.open_spider()
    dupefilter = CountingDupeFilter.from_crawler(crawler)
    loop = Request(
        "https://a.example/a",
        meta={"redirect_urls": ["https://a.example/a", "https://a.example/b"]},
    )
    known = Request("https://a.example/story", meta={"redirect_urls": ["https://a.example/?p=3"]})
    plain = Request("https://a.example/story")
    for request in (loop, known, plain):
        dupefilter.log(request, spider)
    stats = crawler.stats.get_stats()
    assert stats["aggregator/spider/redirect_loop"] == 1
    assert stats["aggregator/spider/redirect_to_seen"] == 1
    assert stats["dupefilter/filtered"] == 3
