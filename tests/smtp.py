"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port), and the mailer
pointed at it: what the app sends travels over SMTP and is read back as it arrived."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

import pytest

from tests.processes import free_port

SMTP_TIMEOUT_SECONDS = 5


class Inbox:
    """What the server received, parsed: one `EmailMessage` per message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    # Read like Django's `mail.outbox` (its length, and `[-1].body`), so that helpers written
    # for the outbox (tests.browser.test_first_sale.sign_up) read the real inbox as well.
    def __len__(self) -> int:
        return len(self.messages)

    def __getitem__(self, index: int) -> Received:
        return Received(self.messages[index])


class Received:
    """One message as the outbox helpers read it: `body` is its plain-text part."""

    def __init__(self, message: EmailMessage) -> None:
        self.message = message
        part = message.get_body(preferencelist=("plain",))
        self.body = part.get_content() if part is not None else ""


def smtp_mailer(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": SMTP_TIMEOUT_SECONDS},
        }
    }


@pytest.fixture
def smtp_inbox(settings):
    """Start an SMTP server for this test and send the app's mail to it; yields its `Inbox`."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    controller.start()
    settings.MAILERS = smtp_mailer(controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def dead_smtp(settings):
    """The mailer pointed at a port where nothing listens: every send is refused at once."""
    settings.MAILERS = smtp_mailer(free_port())


@pytest.fixture
def emails_at_once(monkeypatch):
    """Queue emails at once rather than after the commit a test's transaction never reaches
    (`accounts.mail.after_commit`); under eager Celery they are then sent in the request."""
    monkeypatch.setattr("accounts.mail._on_commit", lambda callback: callback())
