"""Downloader middleware: honour `Retry-After` on 429 and 503, per host.

Scrapy's `RetryMiddleware` (2.19) retries 429 and 503 at once, whatever the
server asked: a rate-limited or maintenance-mode site is asked again within a
second. This middleware sits just outside it (`DOWNLOADER_MIDDLEWARES` 560, so
it sees the response first) and, when a 429 or 503 carries `Retry-After`
(delta-seconds or an HTTP-date):

- the wait is at most `AGGREGATOR_RETRY_AFTER_MAX` seconds: the host's
  download slot is paused that long (`PoliteDownloader.pause`: every request
  to that host waits, other hosts and other sites in `crawlall` go on), and
  the request is retried within Scrapy's `RETRY_TIMES`;
- the wait is longer: the request is given up at once (not retried sooner
  than asked), counted, and reaches the spider's errback as an HTTP error.

A 429 or 503 without a usable `Retry-After` is left to `RetryMiddleware` as before.

Settings: `AGGREGATOR_RETRY_AFTER_MAX`, Scrapy's `RETRY_ENABLED`, `RETRY_TIMES`.
Stats: `aggregator/retry_after/waited` (pauses honoured),
`aggregator/retry_after/wait_seconds` (their sum, whole seconds rounded up),
`aggregator/retry_after/too_long` (given up: the wait asked was over the
maximum), and those of Scrapy's retry helper under the same prefix:
`aggregator/retry_after/count`, `…/reason_count/<status>`, `…/max_reached`
(given up: retries exhausted).
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)

PREFIX = "aggregator/retry_after"
STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` value asks to wait from `now` (>= 0), or None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _header(response: Response, name: str) -> str | None:
    raw = response.headers.get(name)
    return raw.decode("latin-1") if raw else None


def _server_now(response: Response) -> datetime:
    """The server's own `Date`, which an HTTP-date `Retry-After` is relative to."""
    date = _header(response, "Date")
    if date:
        try:
            parsed = parsedate_to_datetime(date)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            pass
    return datetime.now(UTC)


class RetryAfterMiddleware:
    """Pause a host for its `Retry-After` (bounded), then retry; or give up and count it."""

    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        return cls(crawler, crawler.settings.getfloat("AGGREGATOR_RETRY_AFTER_MAX"))

    def _inc(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{PREFIX}/{key}", value)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(_header(response, "Retry-After"), _server_now(response))
        if wait is None:
            return response
        # Either way Scrapy's RetryMiddleware must not retry it at once.
        request.meta["dont_retry"] = True
        if wait > self.max_wait:
            self._inc("too_long")
            logger.warning(
                "Gave up %s: %d with Retry-After %.0f s, over AGGREGATOR_RETRY_AFTER_MAX (%.0f s)",
                request.url, response.status, wait, self.max_wait,
            )  # fmt: skip
            return response
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=str(response.status),
            stats_base_key=PREFIX,
            logger=logger,
        )
        if retry is None:
            return response  # retries exhausted: counted as max_reached, logged by Scrapy
        retry.meta.pop("dont_retry", None)
        self._pause(request, wait)
        return retry

    def _pause(self, request: Request, wait: float) -> None:
        """Pause the request's host slot for `wait` seconds."""
        self._inc("waited")
        self._inc("wait_seconds", math.ceil(wait))
        engine = self.crawler.engine
        downloader = getattr(engine, "downloader", None)
        pause = getattr(downloader, "pause", None)
        if pause is None or downloader is None:
            return  # not our downloader: the retry still goes, unpaused
        key = request.meta.get(downloader.DOWNLOAD_SLOT) or downloader.get_slot_key(request)
        logger.info("%s asked to wait %.0f s (Retry-After): pausing its host", request.url, wait)
        pause(key, wait)
