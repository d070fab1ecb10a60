"""A Scrapy downloader that keeps per-domain concurrency limits on the asyncio reactor.

Scrapy's downloader counts a request as "transferring" only once its download
task starts running. On the Twisted epoll reactor that happens at once; on
the asyncio reactor (which scrapy-playwright needs) the task starts on the
next loop iteration, so one pass over a slot's queue hands out every queued
request: with `CONCURRENT_REQUESTS_PER_DOMAIN = 1` we measured 9 requests open
at once at one local server. Politeness towards news sites is a promise of
this project, so the slot place is reserved when the request leaves the
queue, before its task is scheduled. The place is released by Scrapy's own
bookkeeping when the download ends.

Settings: `DOWNLOADER` points here; the limits are Scrapy's own
(`CONCURRENT_REQUESTS_PER_DOMAIN`, `DOWNLOAD_DELAY`, AutoThrottle).
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    """Scrapy's downloader with slot places reserved before the download task starts."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        wait = slot.lastseen + delay - now if delay else 0.0
        if wait > 0:
            slot.latercall = call_later(wait, self._latercall, slot)
            return
        while slot.queue and slot.free_transfer_slots() > 0:
            request, queue_dfd = slot.queue.popleft()
            slot.lastseen = now
            # The reservation: without it the loop would see the place as free.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                # One request per delay: the next one waits for `latercall`.
                self._process_queue(slot)
                break
