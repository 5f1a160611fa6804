"""In-app notifications, for every role: what happened, a link to it, and whether it was read."""

from django.conf import settings
from django.db import models

from accounts.models import District, User


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
        AWARD_ISSUED = "award_issued", "Award issued"
        AWARD_REVOKED = "award_revoked", "Award revoked"

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


Kind = Notification.Kind

# Whether a notice of each kind still reaches a person once they are deactivated: every kind is
# here (a test holds the table to ``Kind``), and ``notice_reaches`` is the one rule ``notify``
# and the notice's e-mail read. A deactivated person no longer signs in, reviews, chairs or
# works on a plan, so the notices of that work stop. Their credentials stay theirs after they
# leave: an award issued to them or revoked is still told, by e-mail (they cannot sign in).
REACHES_THE_DEACTIVATED: dict[str, bool] = {
    # A reviewer's work: a plan or evidence to review, a review overdue, taken off them.
    Kind.PLAN_SUBMITTED: False,
    Kind.RESUBMITTED: False,
    Kind.REVIEW_REQUESTED: False,
    Kind.OVERDUE: False,
    Kind.REASSIGNED: False,
    # A chair's work: a decision waiting for them.
    Kind.CHAIR: False,
    # The educator's plan under way: the panel's decisions and outcome, what to do next.
    Kind.DECISION: False,
    Kind.CHANGES_REQUESTED: False,
    Kind.SCORED: False,
    Kind.NOT_YET: False,
    Kind.EARNED: False,
    # Renewing is a new plan in the district, which a deactivated person cannot start.
    Kind.RENEWAL_DUE: False,
    # Their own credential.
    Kind.AWARD_ISSUED: True,
    Kind.AWARD_REVOKED: True,
}


def notice_reaches(*, recipient: User, kind: str) -> bool:
    """Whether a notice of ``kind`` goes to ``recipient``: always while they are active; once
    deactivated, only the kinds about their own credential (``REACHES_THE_DEACTIVATED``)."""
    return recipient.is_active or REACHES_THE_DEACTIVATED[kind]
