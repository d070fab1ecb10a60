"""Due sites, the `every` key, and the settings a worker passes on to its crawls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy.settings import Settings

from aggregator.queue.config import forwarded_settings
from aggregator.queue.schedule import due_sites, first_delays
from aggregator.sites import Site, SiteConfigError, build_site

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def site(name: str, every: str = "1h", enabled: bool = True) -> Site:
    raw = {"start_urls": [f"https://{name}.test/news/"], "every": every, "enabled": enabled}
    return build_site(name, raw)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("1.5h", 5400), ("2d", 172800)]
)
def test_every_reads_durations(text: str, seconds: float) -> None:
    assert site("a", every=text).every == seconds


def test_every_defaults_to_an_hour() -> None:
    assert build_site("a", {"start_urls": ["https://a.test/"]}).every == 3600


@pytest.mark.parametrize("bad", ["15", "0m", "1w", "", 15, "m15"])
def test_a_bad_every_names_the_key(bad: object) -> None:
    with pytest.raises(SiteConfigError, match="key 'every'"):
        build_site("a", {"start_urls": ["https://a.test/"], "every": bad}, source="sites/a.toml")


def test_due_sites_never_run_or_older_than_every_and_enabled_only() -> None:
    sites = {
        "fresh": site("fresh", "1h"),
        "stale": site("stale", "15m"),
        "never": site("never"),
        "off": site("off", enabled=False),
    }
    last = {"fresh": NOW - timedelta(minutes=30), "stale": NOW - timedelta(minutes=15)}
    assert due_sites(sites, last, NOW) == ["never", "stale"]
    delays = first_delays(sites, last, NOW)
    assert delays == {"fresh": 1800.0, "stale": 0.0, "never": 0.0}


def test_worker_passes_on_its_command_line_settings_only() -> None:
    settings = Settings({"DOWNLOAD_DELAY": 0.25})
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", "1", priority="cmdline")
    settings.set("AGGREGATOR_JOB_ID", "7", priority="cmdline")  # the worker sets its own
    assert forwarded_settings(settings) == ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


def test_worker_identity_from_settings() -> None:
    from aggregator.queue.identity import worker_identity

    assert worker_identity(Settings()) == {"worker_host": None, "worker_pid": None, "job_id": None}
    given = Settings(
        {"AGGREGATOR_JOB_ID": "12", "AGGREGATOR_WORKER_HOST": "m1", "AGGREGATOR_WORKER_PID": "99"}
    )
    assert worker_identity(given) == {"worker_host": "m1", "worker_pid": 99, "job_id": "12"}
