"""Thin Celery wrappers: the beat relay of the outbox, and the delivery of one e-mail."""

from celery import shared_task


@shared_task
def outbox_relay_pending() -> int:
    """Celery beat: send what the outbox still holds (the broker was down after a commit)."""
    from . import services

    return services.outbox_relay()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    # About four hours of a mail server that does not answer; the mail stays recorded after.
    max_retries=30,
)
def mail_deliver(mail_id: int) -> bool:
    """Send one recorded e-mail; a second run of the same mail sends nothing."""
    from . import services

    return services.mail_deliver(mail_id=mail_id)
