"""Scrapy's duplicate-request filter, also counting redirects that end at a known page.

A redirect whose target was already requested is dropped by the duplicate
filter before any errback sees it, so a redirect loop (`/a` -> `/b` -> `/a`)
would vanish without a trace. This filter counts such requests: a loop when
the target is among the request's own redirects, else a redirect to a page
already requested (a short link to an article also linked directly).

Settings: `DUPEFILTER_CLASS` points here.
Stats: `aggregator/spider/redirect_loop`, `aggregator/spider/redirect_to_seen`.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.dupefilters import RFPDupeFilter

logger = logging.getLogger(__name__)


class CountingDupeFilter(RFPDupeFilter):
    """Count filtered redirects by kind; everything else is Scrapy's filter."""

    def log(self, request: Request, spider: Spider) -> None:
        # Scrapy's dupefilter interface passes the spider here; it is not a middleware method.
        super().log(request, spider)
        redirects = request.meta.get("redirect_urls")
        if not redirects or spider.crawler.stats is None:
            return
        if request.url in redirects:
            spider.crawler.stats.inc_value("aggregator/spider/redirect_loop")
            logger.warning("Redirect loop: %s", " -> ".join([*redirects, request.url]))
        else:
            spider.crawler.stats.inc_value("aggregator/spider/redirect_to_seen")
