"""The User-Agent add-on: built from the contact URL unless someone set USER_AGENT."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from aggregator.addons import ContactUserAgent


def test_the_user_agent_names_the_contact_url_when_nobody_set_one() -> None:
    settings = Settings({"AGGREGATOR_CONTACT_URL": "https://ops.example/bot"})
    assert settings["USER_AGENT"].startswith("Scrapy/")  # Scrapy's own default
    ContactUserAgent().update_settings(settings)
    assert settings["USER_AGENT"] == "aggregator-news-crawler/0.1 (+https://ops.example/bot)"


@pytest.mark.parametrize("priority", ["project", "spider", "cmdline"])
def test_a_user_agent_set_in_settings_a_spider_or_with_s_is_kept(priority: str) -> None:
    settings = Settings({"AGGREGATOR_CONTACT_URL": "https://ops.example/bot"})
    settings.set("USER_AGENT", "their-bot/1.0", priority=priority)
    ContactUserAgent().update_settings(settings)
    assert settings["USER_AGENT"] == "their-bot/1.0"
