"""Reads of notifications: a person sees their own, and no one else's."""

from django.db.models import Count

from accounts.models import User
from microcreds.prepared import PreparedQuery

from .models import Notification

# The notifications page shows this many, newest first.
LIST_SIZE = 100


def notifications_for_user(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user)[:LIST_SIZE])


# Counted for the badge of every signed-in page: the SQL is built once per process
# (microcreds.prepared). Grouped by the person, so no unread notification is no row.
_unread_count = PreparedQuery(
    lambda pk: (
        Notification.objects.filter(recipient_id=pk, read_at__isnull=True)
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
    ),
    int,
)


def unread_count_for_user(user: User) -> int:
    return _unread_count.first(user.pk) or 0
