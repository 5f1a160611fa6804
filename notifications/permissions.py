"""Object access of the notification pages: a notification is its recipient's, a 404 to anyone
else."""

from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Notification


def get_notification_for_user(user: User, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=user)
