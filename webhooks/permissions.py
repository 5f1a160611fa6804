"""Object access of the webhook pages: a subscription or delivery of the admin's own district,
or a 404 (another district's) / 403 (not a district admin)."""

from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from accounts.permissions import require_role

from .models import WebhookDelivery, WebhookSubscription


def get_subscription_for_admin(user: User, pk: int) -> WebhookSubscription:
    subscription = get_object_or_404(WebhookSubscription, pk=pk, district_id=user.district_id)
    require_role(user, Role.DISTRICT_ADMIN)
    return subscription


def get_delivery_for_admin(user: User, pk: int) -> WebhookDelivery:
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("subscription"),
        pk=pk,
        subscription__district_id=user.district_id,
    )
    require_role(user, Role.DISTRICT_ADMIN)
    return delivery
