"""What the queue commands (`worker`, `enqueue`, `scheduler`, `workers`) share.

A broker URL or site file that cannot work is one usage line (exit 2); a queue
that cannot be reached is one `error:` line (exit 1), never a traceback.

The commands import this module inside `run()`, not at the top: Scrapy imports
every command module for every command, `scrapy crawl` included, and the queue
brings psycopg and procrastinate with it.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from aggregator.queue.broker import BrokerConfigError, QueueUnavailable, run_async

T = TypeVar("T")


@contextmanager
def usage_on_bad_config() -> Iterator[None]:
    """Turn a broker URL or site file that cannot work into one usage line."""
    try:
        yield
    except (BrokerConfigError, ValueError) as exc:
        raise UsageError(str(exc), print_help=False) from None


def run_on_queue(command: ScrapyCommand, work: Coroutine[Any, Any, T]) -> T | None:
    """`work`'s result; None, with one `error:` line and exit status 1, when the queue is away."""
    try:
        return run_async(work)
    except QueueUnavailable as exc:
        print(f"error: {exc}")
        command.exitcode = 1
        return None
