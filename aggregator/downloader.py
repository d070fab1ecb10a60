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

A slot can also be paused (`pause`): a host that answered 429 or 503 with
`Retry-After` gets no request until the time it named, while every other
host's slot goes on (see `aggregator/middlewares/retry_after.py`).

Settings: `DOWNLOADER` points here; the limits are Scrapy's own
(`CONCURRENT_REQUESTS_PER_DOMAIN`, `DOWNLOAD_DELAY`, AutoThrottle).
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    """Scrapy's downloader with slot places reserved before the download task starts,
    and slots that can be paused until a host's `Retry-After`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Slot key -> monotonic time before which that slot sends nothing.
        self.paused_until: dict[str, float] = {}

    def pause(self, key: str, seconds: float) -> None:
        """Send nothing through slot `key` for `seconds` (a later pause wins)."""
        until = monotonic() + seconds
        self.paused_until[key] = max(until, self.paused_until.get(key, 0.0))

    def _pause_left(self, slot: Slot, now: float) -> float:
        if not slot.queue or not self.paused_until:
            return 0.0
        key = slot.queue[0][0].meta.get(self.DOWNLOAD_SLOT)
        if key is None:
            return 0.0
        until = self.paused_until.get(key, 0.0)
        if until <= now:
            self.paused_until.pop(key, None)
            return 0.0
        return until - now

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        paused = self._pause_left(slot, now)
        if paused > 0:
            slot.latercall = call_later(paused, self._latercall, slot)
            return
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
