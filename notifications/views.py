"""The signed-in person's notifications: the list, the unread count, opening and reading them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .permissions import get_notification_for_user


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_for_user(request.user)
    unread = sum(1 for n in items if n.read_at is None)
    return render(request, "notifications/list.html", {"notifications": items, "unread": unread})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    services.notifications_mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("notifications:list")
