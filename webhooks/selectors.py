"""Reads of the webhook pages: a district's subscriptions, a subscription's deliveries."""

from django.db.models import Count, Max, Q, QuerySet

from accounts.models import District

from .models import WebhookDelivery, WebhookSubscription


def subscriptions_of(*, district: District) -> QuerySet[WebhookSubscription]:
    """The district's subscriptions, each with what it still owes and its latest delivery."""
    return WebhookSubscription.objects.filter(district=district).annotate(
        waiting=Count("deliveries", filter=Q(deliveries__next_attempt_at__isnull=False)),
        failing=Count(
            "deliveries",
            filter=Q(deliveries__next_attempt_at__isnull=False, deliveries__attempts__gt=0),
        ),
        last_delivered_at=Max("deliveries__delivered_at"),
    )


def deliveries_of(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")
