"""Every write of notifications: record one (and e-mail it after the commit), send its e-mail
once, mark them read."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from outbox.services import email_send, outbox_enqueue

from .models import Notification, notice_reaches
from .tasks import deliver_notification


def notify(
    *, recipient: User, kind: str, title: str, body: str, url: str, event_key: str
) -> Notification | None:
    """Record an in-app notification and send it by e-mail after the commit; once per event.
    None when it was recorded before, or is not for ``recipient`` (``notice_reaches``: a
    deactivated person hears only of their own credential)."""
    if not notice_reaches(recipient=recipient, kind=kind):
        return None
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        event_key=event_key,
        defaults={
            "district_id": recipient.district_id,
            "kind": kind,
            "title": title[:200],
            "body": body,
            "url": url,
        },
    )
    if not created:
        return None
    outbox_enqueue(task=deliver_notification, args=[notification.pk])
    return notification


def notification_email(*, notification_id: int) -> bool:
    """Send a notification's e-mail (text and HTML) unless it was sent already, or its
    recipient no longer hears of its kind (``notice_reaches``); True if sent.

    The row stays locked while the mail goes out, so two runs of the task send it once; a
    failed send rolls back and leaves it to be retried."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        # Its recipient may have been deactivated since it was recorded.
        if not notice_reaches(recipient=notification.recipient, kind=notification.kind):
            return False
        context = {
            "notification": notification,
            "link": f"{settings.SITE_URL}{notification.url}",
            "recipient": notification.recipient,
        }
        email_send(
            to=[notification.recipient.email],
            subject=notification.title,
            text=render_to_string("notifications/email/notification.txt", context),
            html=render_to_string("notifications/email/notification.html", context),
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
