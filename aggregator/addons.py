"""Scrapy add-on that builds the User-Agent from `AGGREGATOR_CONTACT_URL` at crawl time.

A value computed in settings.py from another setting is frozen at import:
`-s AGGREGATOR_CONTACT_URL=...` would never reach the User-Agent. Add-ons run
when a crawler applies its settings, after `-s` and spider settings are in and
before anything reads them, so the User-Agent is built here. It is set at
Scrapy's "addon" priority, below "project": a USER_AGENT set in settings.py,
by a spider or with `-s` is sent as given.

Settings: `AGGREGATOR_CONTACT_URL` (read), `USER_AGENT` (set), enabled in `ADDONS`.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

#: The User-Agent that names the crawler and the page where site owners reach its operator.
USER_AGENT_FORMAT = "aggregator-news-crawler/0.1 (+{contact_url})"


class ContactUserAgent:
    """Set `USER_AGENT` from `AGGREGATOR_CONTACT_URL` unless the operator set it."""

    def update_settings(self, settings: BaseSettings) -> None:
        contact_url = settings.get("AGGREGATOR_CONTACT_URL")
        user_agent = USER_AGENT_FORMAT.format(contact_url=contact_url)
        settings.set("USER_AGENT", user_agent, priority="addon")
