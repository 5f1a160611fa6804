"""Thin Celery wrappers: send one delivery; hand the due retries to workers (beat)."""

from celery import shared_task


@shared_task(acks_late=True)
def deliver_webhook(delivery_id: int) -> bool:
    """Send one delivery if it is due; safe to run twice (its row lock and due time decide).
    A failure is not retried by Celery: the delivery's next attempt is in its row, for beat."""
    from . import services

    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task
def deliver_due_webhooks() -> int:
    """Celery beat: the deliveries whose retry has come (and any whose first send was lost)."""
    from . import services

    return services.deliveries_due_send()
