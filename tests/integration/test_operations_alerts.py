"""Alerts of a failed crawl: a JSON POST to a webhook and an e-mail, both to local servers."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
import urllib.error
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from aggregator.demo.server import SiteServer
from aggregator.run.alerts import MailServer, email_text, post_json
from tests.integration.test_operations import broken_site, operator_settings, write_site
from tests.support import run_scrapy


class Webhook:
    """An HTTP server on 127.0.0.1 that keeps every JSON body POSTed to it."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[Any] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Silence per-request logging."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept a message: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    server: Mailbox

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 127.0.0.1 test mailbox")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-127.0.0.1")
                self.reply("250 AUTH PLAIN")
            elif verb == b"AUTH":
                _, user, password = base64.b64decode(line.split()[2]).decode().split("\0")
                self.server.logins.append((user, password))
                self.reply("235 accepted")
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.server.receive(recipients, self._data())
                self.reply("250 queued")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
                self.reply("250 ok")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines)


class Mailbox(socketserver.ThreadingTCPServer):
    """An SMTP server on 127.0.0.1 that keeps (recipients, message) of what it is sent."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages: list[tuple[list[str], Message]] = []
        self.logins: list[tuple[str, str]] = []
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def receive(self, recipients: list[str], data: bytes) -> None:
        self.messages.append((recipients, message_from_bytes(data)))

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.close()


PAYLOAD = {
    "site": "el_diario",
    "spider": "el_diario",
    "status": "failed",
    "finish_reason": "finished",
    "failed": ["no_articles"],
    "reasons": ["no_articles: 0 articles found, at least 1 expected"],
    "figures": {"items_scraped": 0},
}


def test_post_json_sends_the_payload(webhook: Webhook) -> None:
    assert post_json(webhook.url, PAYLOAD, timeout=5) == 200
    assert webhook.bodies == [PAYLOAD]


def test_post_json_raises_on_an_error_status() -> None:
    failing = Webhook(status=500)
    try:
        with pytest.raises(urllib.error.HTTPError):
            post_json(failing.url, PAYLOAD, timeout=5)
    finally:
        failing.close()


def test_mail_server_sends_the_alert(mailbox: Mailbox) -> None:
    subject, body = email_text(PAYLOAD)
    MailServer(host="127.0.0.1", port=mailbox.port, sender="crawler@example.org").send(
        ["ops@example.org"], subject, body
    )
    ((recipients, message),) = mailbox.messages
    assert recipients == ["ops@example.org"]
    assert message["Subject"] == "[aggregator] crawl of el_diario failed: no_articles"
    assert message["From"] == "crawler@example.org"
    text = message.get_payload(decode=True).decode()
    assert "- no_articles: 0 articles found, at least 1 expected" in text


def crawl_broken_site(
    tmp_path: Path, alert_settings: dict[str, str], env: dict[str, str] | None = None
) -> Any:
    settings = {**operator_settings(tmp_path), **alert_settings}
    with SiteServer(broken_site()) as server:
        urls = (f"{server.url}/category/news/", f"{server.url}/category/empty/")
        write_site(tmp_path, "broken_news", *urls)
        return run_scrapy(["crawl", "broken_news"], cwd=tmp_path, settings=settings, env=env)


def test_a_failed_crawl_alerts_by_webhook_and_email(
    tmp_path: Path, webhook: Webhook, mailbox: Mailbox
) -> None:
    result = crawl_broken_site(
        tmp_path,
        {
            "AGGREGATOR_ALERT_WEBHOOK_URL": webhook.url,
            "AGGREGATOR_ALERT_EMAILS": "ops@example.org,oncall@example.org",
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": str(mailbox.port),
        },
    )
    assert result.returncode == 1, result.log[-3000:]
    (alert,) = webhook.bodies
    assert alert["site"] == "broken_news" and alert["status"] == "failed"
    assert alert["failed"] == ["no_articles", "error_rate", "listing_without_links"]
    assert alert["reasons"][0] == "no_articles: 0 articles found, at least 1 expected"
    assert alert["figures"]["listing_without_links"] == 1
    ((recipients, message),) = mailbox.messages
    assert recipients == ["ops@example.org", "oncall@example.org"]
    assert message["Subject"].startswith("[aggregator] crawl of broken_news failed: no_articles")
    assert result.stats["aggregator/alerts/sent/webhook"] == 1
    assert result.stats["aggregator/alerts/sent/email"] == 1


def test_an_alert_that_cannot_be_sent_is_counted_not_fatal(tmp_path: Path) -> None:
    failing = Webhook(status=500)
    try:
        result = crawl_broken_site(
            tmp_path,
            {
                "AGGREGATOR_ALERT_WEBHOOK_URL": failing.url,
                "AGGREGATOR_ALERT_EMAILS": "ops@example.org",
                "MAIL_HOST": "127.0.0.1",
                "MAIL_PORT": "1",  # nothing listens there
            },
        )
    finally:
        failing.close()
    assert result.returncode == 1, result.log[-3000:]
    assert "Traceback" not in result.log
    assert "Alert by webhook not sent: HTTPError: HTTP Error 500" in result.log
    assert "Alert by email not sent: ConnectionRefusedError" in result.log
    assert result.stats["aggregator/alerts/failed/webhook"] == 1
    assert result.stats["aggregator/alerts/failed/email"] == 1
    assert "Crawl run of broken_news: failed (no_articles, error_rate" in result.log
