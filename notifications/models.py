"""In-app notifications, for every role: what happened, a link to it, and whether it was read."""

from django.conf import settings
from django.db import models

from accounts.models import District


class Notification(models.Model):
    """An in-app message; the same event is also sent by e-mail."""

    class Kind(models.TextChoices):
        PLAN_SUBMITTED = "plan_submitted", "Plan submitted"
        DECISION = "decision", "Plan decision"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        RESUBMITTED = "resubmitted", "Resubmitted"
        REVIEW_REQUESTED = "review_requested", "Submitted for review"
        SCORED = "scored", "Scored"
        EARNED = "earned", "Earned"
        NOT_YET = "not_yet", "Not yet"
        CHAIR = "chair", "Needs the chair"
        OVERDUE = "overdue", "Overdue"
        REASSIGNED = "reassigned", "Reassigned"
        RENEWAL_DUE = "renewal_due", "Renewal due"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=5000)
    url = models.CharField(max_length=500, blank=True)
    # Makes a notification safe to create twice (a retried task): one per event and recipient.
    event_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="one_notification_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title
