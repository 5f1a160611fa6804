"""A district's webhook subscriptions and the deliveries of each event to each of them.

A delivery row is written in the transaction of the change it reports (``receivers``), so the
event exists exactly when the change does; it is sent after the commit and retried until it is
delivered or its day is over (``services.delivery_attempt``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import District


class EventType(models.TextChoices):
    PLAN_SUBMITTED = "plan.submitted", "A plan is submitted for pre-approval"
    PLAN_DECIDED = "plan.decided", "The panel decides on a plan (approved, changes, declined)"
    SUBMISSION_EARNED = "submission.earned", "A submission is earned"
    AWARD_ISSUED = "award.issued", "A certificate and badge are issued"
    AWARD_REVOKED = "award.revoked", "An award is revoked"
    # Sent to the subscriptions of both districts: the one left and the one joined.
    PERSON_MOVED = "person.moved", "A person moves to or from another district of the state"


# The events something in the product sends today.
EMITTED_EVENTS = frozenset(EventType)


class WebhookSubscription(models.Model):
    """An HTTPS address of the district's that receives the events it asks for, signed with
    its own secret."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField("receiver URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    # Standard Webhooks' symmetric secret: ``whsec_`` and the base64 of 32 random bytes.
    secret = models.CharField(max_length=100)
    # After a rotation the old secret signs too, until ``previous_secret_until``, so the
    # receiver can switch without losing a delivery.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription: sent until the receiver answers 2xx, once."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The ``webhook-id``: the same for every attempt and replay of the event, so the receiver
    # can drop what it has seen.
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The retries of a day count from here: the event, or the latest replay.
    retry_from = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    # When it is to be sent next; null once delivered or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When its attempt was last handed to a worker (through the outbox), so the beat scan
    # hands each due attempt once, and again only if that hand-off seems lost.
    handed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_excerpt = models.TextField(blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    replays = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_list"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"

    @property
    def state_label(self) -> str:
        if self.next_attempt_at is not None:
            return "Waiting to be retried" if self.attempts else "Waiting to be sent"
        if self.delivered_at is not None:
            return "Delivered"
        if self.gave_up_at is not None:
            return "Given up after a day of failures"
        return "Not sent"


def new_event_id() -> str:
    """A ``webhook-id``: ``msg_`` and 32 hex digits (no full stop, which the signed content
    uses as its separator)."""
    return f"msg_{uuid.uuid4().hex}"
