"""Why a request failed, as one short word for the stats.

Every listing and article request carries the spider's errback, so no page
is lost silently: it is stored, or counted under
`aggregator/spider/failed/<kind>/<reason>`. Deliberate skips (a subclass of
`IgnoreRequest` raised by our own middlewares, such as an article already
stored) are counted by whoever raised them and give None here.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

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
