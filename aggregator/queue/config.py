"""What the queue commands read from Scrapy's settings: sites, worker options, settings to pass on.

Settings: `AGGREGATOR_QUEUE_HEARTBEAT`, `AGGREGATOR_QUEUE_STALLED_AFTER`,
`AGGREGATOR_QUEUE_POLL_INTERVAL`, `AGGREGATOR_QUEUE_BUSY_RETRY_DELAY`,
`AGGREGATOR_QUEUE_MAX_RETRIES`, `AGGREGATOR_SITES_DIR` (through the spider loader).
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader

from aggregator.queue.runner import CrawlRunner
from aggregator.queue.worker import WorkerOptions
from aggregator.sites import Site

# Set by the worker for each crawl; never passed on from the worker's own command line.
JOB_SETTINGS = frozenset({"AGGREGATOR_JOB_ID", "AGGREGATOR_WORKER_HOST", "AGGREGATOR_WORKER_PID"})


def configured_sites(settings: BaseSettings) -> dict[str, Site]:
    """Every `sites/*.toml`, by name (ValueError when the loader is not ours)."""
    loader: Any = get_spider_loader(settings)
    if not hasattr(loader, "sites"):
        raise ValueError("SPIDER_LOADER_CLASS must be aggregator's SiteSpiderLoader")
    sites: dict[str, Site] = loader.sites()
    return sites


def forwarded_settings(settings: BaseSettings) -> list[str]:
    """The `-s NAME=VALUE` the worker was started with, for each crawl it starts."""
    args: list[str] = []
    for name in sorted(settings.attributes):
        if name in JOB_SETTINGS or settings.getpriority(name) != settings_priority("cmdline"):
            continue
        args += ["-s", f"{name}={settings[name]}"]
    return args


def settings_priority(name: str) -> int:
    from scrapy.settings import SETTINGS_PRIORITIES

    return SETTINGS_PRIORITIES[name]


def worker_options(settings: BaseSettings, concurrency: int) -> WorkerOptions:
    return WorkerOptions(
        concurrency=concurrency,
        heartbeat=settings.getfloat("AGGREGATOR_QUEUE_HEARTBEAT", 10.0),
        stalled_after=settings.getfloat("AGGREGATOR_QUEUE_STALLED_AFTER", 30.0),
        poll_interval=settings.getfloat("AGGREGATOR_QUEUE_POLL_INTERVAL", 5.0),
    )


def crawl_runner(settings: BaseSettings, sites: dict[str, Site]) -> CrawlRunner:
    return CrawlRunner(
        site_hosts={name: site.allowed_domains for name, site in sites.items()},
        settings_args=forwarded_settings(settings),
        database_url=settings.get("AGGREGATOR_DATABASE_URL") or "",
        busy_retry_delay=settings.getfloat("AGGREGATOR_QUEUE_BUSY_RETRY_DELAY", 60.0),
        max_retries=settings.getint("AGGREGATOR_QUEUE_MAX_RETRIES", 2),
    )
