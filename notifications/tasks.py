"""Thin Celery wrapper around the notification e-mail: it takes a primary key, reruns safely."""

from celery import shared_task


# Registered under its name from before notifications had an app of their own: deliveries
# already queued in the broker under that name still find their task.
@shared_task(
    name="reviews.tasks.deliver_notification",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_notification(notification_id: int) -> bool:
    """E-mail one notification; queued on commit by ``services.notify``. A notification already
    e-mailed is not sent again, and a mail server that is down is retried."""
    from . import services

    return services.notification_email(notification_id=notification_id)
