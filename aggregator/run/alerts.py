"""Sending a failed crawl's verdict to people: e-mail and/or a webhook.

A collaborator of the health checks, not an extension of its own: it has
nothing to do unless a check fails. E-mail is sent with the standard
library's `smtplib` (Scrapy's `scrapy.mail` is deprecated) configured by
Scrapy's `MAIL_*` settings; the webhook gets the verdict as a JSON POST
(Slack, Mattermost and most incident tools accept one). Both are sent from a
thread so a slow server never blocks other crawls in the same process. A
failed alert is logged in one line and counted; it never changes the crawl's
outcome.

The SMTP password comes from `AGGREGATOR_ALERT_SMTP_PASSWORD`, not from
Scrapy's `MAIL_PASS`: Scrapy prints every overridden setting of its own at
the start of each crawl, `MAIL_PASS` included, but never a project setting.
`MAIL_PASS` still works (alerts must not stop when a password is moved late),
with a warning at every crawl.

Settings: `AGGREGATOR_ALERT_EMAILS`, `AGGREGATOR_ALERT_WEBHOOK_URL`,
`AGGREGATOR_ALERT_TIMEOUT`, `AGGREGATOR_ALERT_SMTP_PASSWORD`, Scrapy's
`MAIL_HOST`, `MAIL_PORT`, `MAIL_FROM`, `MAIL_USER`, `MAIL_TLS`, `MAIL_SSL`
(and `MAIL_PASS`, deprecated here).
Stats: `aggregator/alerts/sent/<channel>`, `aggregator/alerts/failed/<channel>`
(channel `email` or `webhook`).
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

logger = logging.getLogger(__name__)


def post_json(url: str, payload: dict[str, Any], timeout: float) -> int:
    """POST `payload` as JSON to `url`; returns the HTTP status (errors raise)."""
    body = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status: int = response.status
        return status


@dataclass(frozen=True, slots=True)
class MailServer:
    """Where and how to send e-mail: Scrapy's `MAIL_*` settings."""

    host: str = "localhost"
    port: int = 25
    sender: str = "scrapy@localhost"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: BaseSettings, timeout: float) -> Self:
        password = settings.get("AGGREGATOR_ALERT_SMTP_PASSWORD") or None
        if settings.get("MAIL_PASS"):
            logger.warning(
                "MAIL_PASS is printed in the log with the overridden settings: put the SMTP "
                "password in the environment variable AGGREGATOR_ALERT_SMTP_PASSWORD instead, "
                "unset MAIL_PASS, and change the password"
            )
            password = password or settings.get("MAIL_PASS")
        return cls(
            host=settings.get("MAIL_HOST") or "localhost",
            port=settings.getint("MAIL_PORT", 25),
            sender=settings.get("MAIL_FROM") or "scrapy@localhost",
            user=settings.get("MAIL_USER"),
            password=password,
            starttls=settings.getbool("MAIL_TLS"),
            ssl=settings.getbool("MAIL_SSL"),
            timeout=timeout,
        )

    def send(self, to: list[str], subject: str, body: str) -> None:
        """Send one plain-text message (blocking; errors raise)."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, ", ".join(to), subject
        message.set_content(body)
        connect = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        with connect(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


def email_text(payload: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of the alert e-mail."""
    subject = f"[aggregator] crawl of {payload['site']} failed: {', '.join(payload['failed'])}"
    lines = [f"Site: {payload['site']} (spider {payload['spider']})"]
    lines += [f"Finish reason: {payload['finish_reason']}", "", "Failed checks:"]
    lines += [f"- {reason}" for reason in payload["reasons"]]
    lines += ["", "Figures:", json.dumps(payload["figures"], indent=2, sort_keys=True)]
    return subject, "\n".join(lines)


class AlertSender:
    """Send a verdict to the configured channels."""

    def __init__(
        self,
        stats: StatsCollector,
        mail: MailServer,
        emails: list[str],
        webhook_url: str,
        timeout: float,
    ) -> None:
        self.stats = stats
        self.mail = mail
        self.emails = emails
        self.webhook_url = webhook_url
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        settings = crawler.settings
        timeout = settings.getfloat("AGGREGATOR_ALERT_TIMEOUT", 10.0)
        return cls(
            crawler.stats,
            MailServer.from_settings(settings, timeout),
            [address.strip() for address in settings.getlist("AGGREGATOR_ALERT_EMAILS")],
            settings.get("AGGREGATOR_ALERT_WEBHOOK_URL") or "",
            timeout,
        )

    @property
    def configured(self) -> bool:
        return bool(self.emails or self.webhook_url)

    async def send(self, payload: dict[str, Any]) -> None:
        """Send to every channel; failures are logged and counted, never raised."""
        if self.emails:
            subject, body = email_text(payload)
            sent = deferToThread(self.mail.send, self.emails, subject, body)
            await self._channel("email", maybe_deferred_to_future(sent))
        if self.webhook_url:
            posted = deferToThread(post_json, self.webhook_url, payload, self.timeout)
            await self._channel("webhook", maybe_deferred_to_future(posted))

    async def _channel(self, channel: str, sending: Any) -> None:
        try:
            await sending
        except Exception as exc:
            self.stats.inc_value(f"aggregator/alerts/failed/{channel}")
            logger.warning("Alert by %s not sent: %s: %s", channel, type(exc).__name__, exc)
            return
        self.stats.inc_value(f"aggregator/alerts/sent/{channel}")
