"""The User-Agent the fixture server sees: built from AGGREGATOR_CONTACT_URL at crawl time.

The project names its operator in the User-Agent. The contact URL must be
settable like any other setting (`-s`, the environment), and a User-Agent the
operator sets outright (`-s USER_AGENT=...`) must be sent as given.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from tests.support import run_scrapy


class RecordingServer(SiteServer):
    """The fixture server, noting the User-Agent of every request."""

    def __init__(self, site: NewsSite) -> None:
        self.user_agents: list[str] = []
        super().__init__(site)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        self.user_agents.append(handler.headers.get("User-Agent", ""))
        super()._serve(handler)


@pytest.fixture
def server(site: NewsSite) -> Iterator[RecordingServer]:
    with RecordingServer(site) as running:
        yield running


def user_agents(
    server: RecordingServer,
    tmp_path: Path,
    env: dict[str, str] | None = None,
    **settings: str,
) -> set[str]:
    result = run_scrapy(
        ["crawl", "news", "-a", f"url={server.url}/category/news/", "-a", "max_pages=1"],
        cwd=tmp_path,
        settings={"AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}", **settings},
        env=env,
    )
    assert result.stats.get("item_scraped_count", 0) >= 1, result.log[-3000:]
    assert len(server.user_agents) > 2  # robots.txt, the listing, its articles
    return set(server.user_agents)


def test_the_contact_url_set_with_s_reaches_the_user_agent(
    server: RecordingServer, tmp_path: Path
) -> None:
    assert user_agents(server, tmp_path, AGGREGATOR_CONTACT_URL="https://ops.example/crawler") == {
        "aggregator-news-crawler/0.1 (+https://ops.example/crawler)"
    }


def test_the_contact_url_from_the_environment_reaches_the_user_agent(
    server: RecordingServer, tmp_path: Path
) -> None:
    env = {"AGGREGATOR_CONTACT_URL": "https://env.example/about-our-crawler"}
    assert user_agents(server, tmp_path, env) == {
        "aggregator-news-crawler/0.1 (+https://env.example/about-our-crawler)"
    }


def test_a_user_agent_set_outright_is_sent_as_given(
    server: RecordingServer, tmp_path: Path
) -> None:
    agents = user_agents(
        server,
        tmp_path,
        USER_AGENT="custom-bot/2.0 (+https://custom.example/)",
        AGGREGATOR_CONTACT_URL="https://ops.example/crawler",
    )
    assert agents == {"custom-bot/2.0 (+https://custom.example/)"}
