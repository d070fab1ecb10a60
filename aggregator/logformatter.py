"""Log lines for dropped items that name the reason and the URL, not the whole item.

Scrapy's default prints every dropped item in full at WARNING; an article's
body makes that hundreds of lines per crawl, and a duplicate is routine, not
a warning. Settings: `LOG_FORMATTER` points here; the level is Scrapy's
`DEFAULT_DROPITEM_LOG_LEVEL` unless the exception carries its own `log_level`.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class ArticleLogFormatter(LogFormatter):
    """Drops logged in one line: reason class and message."""

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {
            "level": result["level"],
            "msg": "Dropped (%(reason)s): %(exception)s",
            "args": {"reason": type(exception).__name__, "exception": exception},
        }
