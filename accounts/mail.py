"""Email, sent the way production mail is sent: by a Celery worker after the transaction commits,
never inside a request.

Whoever sends an email builds an `Outgoing` (plain JSON: the task queue carries JSON only) and
calls `queue(...)`; `accounts.tasks.send_email` sends it with retries and exponential backoff,
and logs what it could not send. A dead mail server therefore never turns a request into an
error: the request has answered before the worker even tries. Notices (`social.tasks`) render
their message in the worker and send it through `send_now` the same way.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from typing import TYPE_CHECKING, NotRequired, TypedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("bazaar.mail")

# Errors worth another try: the server is down, busy or refused for now.
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5
BACKOFF_SECONDS = 30  # 30 s, 1, 2, 4, 5 minutes
# Below the broker's visibility timeout (settings.BROKER_VISIBILITY_TIMEOUT): a retry waiting
# longer than that on Redis would be handed to a second worker meanwhile.
BACKOFF_MAX_SECONDS = 5 * 60


class Outgoing(TypedDict):
    """One email as the queue carries it."""

    to: list[str]
    subject: str
    text: str
    html: NotRequired[str]
    headers: NotRequired[dict[str, str]]


def absolute(path: str) -> str:
    """The public address of a path of the site (`SITE_URL`): what an email links to."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + "/" + path.lstrip("/")


def message_from(outgoing: Outgoing) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outgoing["subject"],
        body=outgoing["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=outgoing["to"],
        headers=outgoing.get("headers") or {},
    )
    if outgoing.get("html"):
        message.attach_alternative(outgoing["html"], "text/html")
    return message


def send_now(outgoing: Outgoing) -> None:
    """Send through the configured mailer. Raises what the mail server raised."""
    message_from(outgoing).send()


def backoff(retries: int) -> int:
    """Seconds before try number `retries + 2`: doubling from BACKOFF_SECONDS, capped."""
    return int(min(BACKOFF_SECONDS * 2**retries, BACKOFF_MAX_SECONDS))


def send_or_retry(task: Task, outgoing: Outgoing, *, what: str) -> bool:
    """Send `outgoing` from inside a bound Celery task: on a transient failure, retry later
    (exponential backoff, at most MAX_RETRIES times), then log it and give up. Returns whether
    it was sent. Under eager Celery (development, the tests) the tries follow one another at
    once, in process: bounded by MAX_RETRIES, nothing waits and nothing is raised."""
    retries = task.request.retries or 0
    while True:
        try:
            send_now(outgoing)
        except TRANSIENT as error:
            if retries >= MAX_RETRIES:
                logger.error("Gave up sending %s after %s tries: %s", what, retries + 1, error)
                return False
            logger.warning("Could not send %s (try %s), retrying: %s", what, retries + 1, error)
            if not task.request.is_eager:
                raise task.retry(
                    exc=error, countdown=backoff(retries), max_retries=MAX_RETRIES
                ) from error
            retries += 1
            continue
        logger.info("Sent %s", what)
        return True


def after_commit(task: Task, *args: object) -> None:
    """Queue `task(*args)` (which sends an email) once the transaction commits, through the
    outbox: a broker that does not answer never fails the request that caused the email, and
    the email waits for the broker instead of being lost. Under eager Celery the email is sent
    after the commit, in process; what goes wrong there is logged, never raised."""
    from outbox.services import enqueue

    def safely(callback: Callable[[], None]) -> None:
        def run() -> None:
            try:
                callback()
            except Exception:  # the request has done its work; the email is what failed
                logger.exception("Could not queue an email")

        _on_commit(run)

    enqueue(task, args, on_commit=safely)


# The hook `after_commit` waits with. A test's transaction never commits: the `mailoutbox`
# fixture (conftest.py) replaces it to queue at once, so that a test reads what was sent.
_on_commit = transaction.on_commit


def queue(outgoing: Outgoing) -> None:
    """Send `outgoing` from a worker once the current transaction commits."""
    from accounts.tasks import send_email

    after_commit(send_email, outgoing)
