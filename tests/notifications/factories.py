"""Notifications as the review side sends them, through ``notify``."""

from django.db import transaction

from notifications import services
from notifications.models import Notification


def note_for(person, key="event:1") -> Notification | None:
    """A plan decision for ``person`` (None when the event was notified already)."""
    with transaction.atomic():
        return services.notify(
            recipient=person,
            kind=Notification.Kind.DECISION,
            title="Plan decision: Approve — Routines",
            body="The panel's decision on your plan: approve <b>now</b>.",
            url="/reviews/feedback/1/",
            event_key=key,
        )
