"""Reads of notifications: a person sees their own, and no one else's."""

from accounts.models import User

from .models import Notification

# The notifications page shows this many, newest first.
LIST_SIZE = 100


def notifications_for_user(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user)[:LIST_SIZE])


def unread_count_for_user(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
