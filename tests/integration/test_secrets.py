"""Passwords (the database URL's, the SMTP server's) never appear in the log, the stats or
the crawl_runs table."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from aggregator.store.models import CrawlRun
from tests.integration.test_operations import stored_runs
from tests.integration.test_operations_alerts import Mailbox, crawl_broken_site
from tests.support import FROZEN_NOW, run_scrapy

PASSWORD = "Sw0rdfish-7c1e"


def crawl(url: str, cwd: Path) -> tuple[str, str]:
    """Crawl the fixture site into `url`; the log and the stats as text."""
    site = NewsSite(FROZEN_NOW, articles=4)
    with SiteServer(site) as server:
        result = run_scrapy(
            ["crawl", "news", "-a", f"url={server.url}/category/news/", "-a", "max_pages=1"],
            cwd=cwd,
            settings={"AGGREGATOR_DATABASE_URL": url, "LOG_LEVEL": "DEBUG"},
        )
    assert result.stats, result.log[-2000:]
    return result.log, json.dumps(result.stats)


def test_a_working_database_with_a_password(postgres_url: str, tmp_path: Path) -> None:
    # The test server trusts every local connection, so any password opens it.
    url = make_url(postgres_url).set(password=PASSWORD).render_as_string(hide_password=False)
    log, stats = crawl(url, tmp_path)
    assert PASSWORD not in log and PASSWORD not in stats
    with Session(create_engine(postgres_url)) as session:
        runs = list(session.scalars(select(CrawlRun)))
    assert runs and all(PASSWORD not in json.dumps(run.stats) for run in runs)


def test_an_unreachable_database_with_a_password(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"postgresql://crawler:{PASSWORD}@127.0.0.1:{closed_port}/news"
    log, stats = crawl(url, tmp_path)
    assert f"port {closed_port} failed: Connection refused" in log, "the failure is reported"
    assert PASSWORD not in log and PASSWORD not in stats


def test_the_smtp_password_reaches_the_mail_server_not_the_log(tmp_path: Path) -> None:
    mailbox = Mailbox()
    try:
        result = crawl_broken_site(
            tmp_path,
            {
                "AGGREGATOR_ALERT_EMAILS": "ops@example.org",
                "MAIL_HOST": "127.0.0.1",
                "MAIL_PORT": str(mailbox.port),
                "MAIL_USER": "crawler",
                "LOG_LEVEL": "DEBUG",
            },
            env={"AGGREGATOR_ALERT_SMTP_PASSWORD": PASSWORD},
        )
    finally:
        mailbox.close()
    assert result.returncode == 1, result.log[-3000:]
    assert mailbox.logins == [("crawler", PASSWORD)]
    assert len(mailbox.messages) == 1 and result.stats["aggregator/alerts/sent/email"] == 1
    assert PASSWORD not in result.log and PASSWORD not in json.dumps(result.stats)
    runs = stored_runs(tmp_path)
    assert runs and all(PASSWORD not in json.dumps(run.stats) for run in runs)


def test_mail_pass_still_logs_in_but_is_warned_against(tmp_path: Path) -> None:
    mailbox = Mailbox()
    try:
        result = crawl_broken_site(
            tmp_path,
            {
                "AGGREGATOR_ALERT_EMAILS": "ops@example.org",
                "MAIL_HOST": "127.0.0.1",
                "MAIL_PORT": str(mailbox.port),
                "MAIL_USER": "crawler",
                "MAIL_PASS": PASSWORD,
            },
        )
    finally:
        mailbox.close()
    assert mailbox.logins == [("crawler", PASSWORD)]
    # Scrapy itself prints MAIL_PASS among the overridden settings: say so, once.
    warning = "MAIL_PASS is printed in the log with the overridden settings"
    assert result.log.count(warning) == 1
