"""Why a request failed, as one short word for the stats, and the spider's one errback.

Every request the spider makes carries `RequestFailures` as its errback, so
no page is lost silently: it is stored, or counted under
`aggregator/spider/failed/<kind>/<reason>` (feeds and sitemaps under
`aggregator/<kind>/failed/<error>`, rendered pages also under
`aggregator/render/...`). Deliberate skips (a subclass of `IgnoreRequest`
raised by our own middlewares, such as an article already stored) are counted
by whoever raised them and give None here.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from aggregator.spiders.requests import DISCOVERY, KIND, RENDERED

# Scrapy raises plain IgnoreRequest for several causes; its message tells them apart.
_IGNORED = (
    ("max redirections", "redirect_limit"),
    ("robots.txt", "robots_txt"),
    ("offsite", "offsite"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
)


def failure_reason(failure: Failure) -> str | None:
    """`http_<status>`, `too_large`, `redirect_limit`, an exception name, or None for skips."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, IgnoreRequest):
        if type(error) is not IgnoreRequest:
            return None
        message = str(error)
        return next((reason for needle, reason in _IGNORED if needle in message), "ignored")
    if "maxsize" in str(error).lower() or "max size" in str(error).lower():
        return "too_large"
    return type(error).__name__


class RequestFailures:
    """The one errback of every request the spider makes: count the failure, never crash.

    Feed, sitemap and robots.txt requests (`DISCOVERY` meta) count under
    `aggregator/<kind>/failed/<error>`; rendered requests (`RENDERED` meta) also
    count under `aggregator/render/...`; every listing and article request under
    `aggregator/spider/failed/<kind>/<reason>`.
    """

    def __init__(
        self, crawler: Crawler, logger: logging.Logger | logging.LoggerAdapter[Any]
    ) -> None:
        self.crawler = crawler
        self.logger = logger

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"aggregator/{key}")

    def __call__(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        if DISCOVERY in meta:
            self.discovery_failed(failure)
        elif meta.get(RENDERED):
            self.render_failed(failure)
        else:
            self.page_failed(failure)

    def page_failed(self, failure: Failure) -> None:
        """A listing or article request failed: count it with its reason."""
        reason = failure_reason(failure)
        if reason is None:
            return
        request = getattr(failure, "request", None)
        kind = request.meta.get(KIND, "page") if request is not None else "page"
        self._count(f"spider/failed/{kind}/{reason}")
        if isinstance(failure.value, HttpError) and self.crawler.stats is not None:
            # Handled here, the error no longer reaches Scrapy's HttpErrorMiddleware,
            # whose counters the health checks and operators read: keep them.
            status = failure.value.response.status
            self.crawler.stats.inc_value("httperror/response_ignored_count")
            self.crawler.stats.inc_value(f"httperror/response_ignored_status_count/{status}")
        url = request.url if request is not None else "?"
        # A page that is gone is the web's normal state; anything else deserves a look.
        level = logging.INFO if reason in ("http_404", "http_410") else logging.WARNING
        self.logger.log(level, "Could not fetch %s %s: %s", kind, url, reason)

    def render_failed(self, failure: Failure) -> None:
        """A rendered request failed: counted as `page_failed` counts, and apart.

        An HTTP error status (a rendered 403 or 404) is the page's answer, and a
        request refused before any browser ran (robots.txt, offsite, too large)
        never reached one: neither is a failed render. Both are counted as plain
        page failures too, so the error counters the health checks read see a
        rendered refusal as they see a plain one.
        """
        request = getattr(failure, "request", None)
        reason = failure_reason(failure)
        if reason is None:
            return  # a deliberate skip (an article already stored), counted where it was made
        if isinstance(failure.value, HttpError):
            self._count(f"render/http_status/{failure.value.response.status}")
            self.page_failed(failure)
            return
        # HttpError is an IgnoreRequest too: it is handled above.
        if isinstance(failure.value, IgnoreRequest):
            self._count(f"render/ignored/{reason}")
            self.page_failed(failure)
            return
        kind = request.meta.get(KIND, "page") if request is not None else "page"
        self._count(f"spider/failed/{kind}/{reason}")
        self._count("render/failed")
        self.logger.error("Rendering failed for %s: %r", request, failure.value)

    def discovery_failed(self, failure: Failure) -> None:
        """A feed, sitemap or robots.txt request failed."""
        request = getattr(failure, "request", None)
        kind = request.meta.get(DISCOVERY, "feeds") if request else "feeds"
        if isinstance(failure.value, HttpError):
            name = str(failure.value.response.status)
        else:
            name = failure.type.__name__ if failure.type else "error"
        self._count(f"{kind}/failed/{name}")
        self.logger.warning("Could not read %s %s: %s", kind[:-1], request, failure.value)
