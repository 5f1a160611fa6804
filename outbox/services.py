"""The outbox: side effects queued in the transaction of the change, sent after its commit.

``outbox_enqueue`` writes a row beside the change and asks for a relay once the transaction
commits; ``outbox_relay`` hands pending rows to the broker, each under its row lock, and marks
them sent, so a message is sent once however many relays run. While the broker is down the rows
wait: the request that made them still succeeds, and Celery beat runs ``outbox_relay`` every
``OUTBOX_RELAY_SECONDS``, which drains them once the broker is back. A broker may still deliver
a message twice (a worker killed before its acknowledgement), so every task is safe to rerun.

Without a broker (the embedded default, and the tests' CELERY_TASK_ALWAYS_EAGER) the task runs
in-process right after the commit, and its errors reach the caller as they always did.

E-mail is one such side effect: ``mail_enqueue`` records the message and queues its delivery,
which sends it once and is retried while the mail server is down.
"""

import logging
import time
from collections.abc import Iterable
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Mail, OutboxMessage

logger = logging.getLogger(__name__)

# Messages handed to the broker per relay run; the next run takes the rest.
RELAY_BATCH = 500
# Once the broker has refused a message, the after-commit relays of this process leave what
# they queue to the beat relay for this long, instead of each request waiting on a broker that
# is down (a roster import queues an invitation per person).
BROKER_DOWN_PAUSE = 30.0
_broker_down_until = 0.0


def _celery_app():
    from microcreds.celery import app

    return app


def outbox_enqueue(
    *, task: Task, args: Iterable[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxMessage:
    """Queue ``task(*args, **kwargs)`` to run once the current transaction commits (at once in
    autocommit). Arguments are JSON: primary keys and plain values, never model instances."""
    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: outbox_relay(message_ids=[message.pk], after_commit=True))
    return message


def _publish(message: OutboxMessage) -> None:
    """Hand the message to the broker; raises when the broker cannot take it now."""
    task = _celery_app().tasks[message.task]
    # No publish retries here: a broker that is down is the beat relay's to wait for.
    task.apply_async(
        args=message.args, kwargs=message.kwargs, task_id=str(message.task_id), retry=False
    )


def outbox_relay(
    *, message_ids: list[int] | None = None, limit: int = RELAY_BATCH, after_commit: bool = False
) -> int:
    """Send pending messages (those named, else the oldest ``limit``); return how many were
    sent. A message another relay holds or has sent is skipped; the first one the broker
    refuses stops the run, since the rest would meet the same broker, and for
    ``BROKER_DOWN_PAUSE`` the ``after_commit`` relays of this process do not try again."""
    global _broker_down_until
    eager = _celery_app().conf.task_always_eager
    if after_commit and not eager and time.monotonic() < _broker_down_until:
        return 0
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    if message_ids is not None:
        pending = pending.filter(pk__in=message_ids)
    sent = 0
    for pk in list(pending.order_by("pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:
                continue
            if not eager:
                try:
                    _publish(message)
                except Exception as exc:  # noqa: BLE001 - the message waits for the next relay
                    OutboxMessage.objects.filter(pk=pk).update(
                        attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"
                    )
                    logger.warning("Outbox message %s (%s) waits: %s", pk, message.task, exc)
                    if isinstance(exc, KeyError):
                        continue  # an unknown task: the others may still go
                    _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE
                    return sent
            message.sent_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["sent_at", "attempts"])
        if eager:
            # In-process: the task runs now, after the commit and outside the row lock.
            _celery_app().tasks[message.task].delay(*message.args, **message.kwargs)
        sent += 1
    return sent


# --- Mail ---------------------------------------------------------------------------------------


def email_send(*, to: list[str], subject: str, text: str, html: str | None = None) -> int:
    """Send one e-mail (text, and HTML when given) through the configured backend, now.

    Only deliveries that record what they sent call this (``mail_deliver``, a notification's
    delivery); everything else queues its mail with ``mail_enqueue``."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def mail_enqueue(*, to: list[str], subject: str, text: str, html: str = "") -> Mail:
    """Record an e-mail and queue its delivery for after the commit."""
    from .tasks import mail_deliver

    mail = Mail.objects.create(to=list(to), subject=subject[:300], text=text, html=html or "")
    outbox_enqueue(task=mail_deliver, args=[mail.pk])
    return mail


def mail_deliver(*, mail_id: int) -> bool:
    """Send a recorded e-mail unless it was sent already; True if sent now.

    The row stays locked while the message goes out, so two deliveries send it once; a mail
    server that fails leaves it unsent (and counted) for the task to retry."""
    try:
        with transaction.atomic():
            mail = Mail.objects.select_for_update().filter(pk=mail_id).first()
            if mail is None or mail.sent_at is not None:
                return False
            email_send(to=mail.to, subject=mail.subject, text=mail.text, html=mail.html or None)
            mail.sent_at = timezone.now()
            mail.save(update_fields=["sent_at"])
    except OSError as exc:
        Mail.objects.filter(pk=mail_id).update(
            attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:1000]
        )
        raise
    return True
