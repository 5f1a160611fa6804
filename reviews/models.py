"""Panels, who reviews what, their decisions and scores.

One ``StageReview`` is one round of one stage of one submission: the pre-approval of a plan
(a new round each time the plan is submitted again) or the final review of one attempt. Its
``ReviewAssignment`` rows are the reviewers working on it, each with their own decision or
scores; the round's outcome is decided by the rule in ``reviews.services``.
"""

from django.conf import settings
from django.db import models

from accounts.models import Building, District, User
from credentials.models import RubricCriterion, RubricLevel, Stack
from microcreds.stamps import StampTable
from submissions.models import Attempt, Component, Submission


class Stage(models.TextChoices):
    PLAN = "plan", "Plan pre-approval"
    FINAL = "final", "Final review"


# The statuses in which a submission waits for the reviewers of a stage.
WAITING = {
    Stage.PLAN: (Submission.Status.PLAN_SUBMITTED,),
    Stage.FINAL: (Submission.Status.SUBMITTED_FOR_REVIEW, Submission.Status.RESUBMITTED),
}


class CommentTopic(models.TextChoices):
    """What a reviewer can comment on in a plan: its components, and a self-created
    micro-credential's competency and criteria."""

    OVERVIEW = Component.OVERVIEW.value, Component.OVERVIEW.label
    KNOWLEDGE = Component.KNOWLEDGE.value, Component.KNOWLEDGE.label
    IMPLEMENTATION = Component.IMPLEMENTATION.value, Component.IMPLEMENTATION.label
    IMPACT = Component.IMPACT.value, "Impact measures"
    PROPOSAL = "proposal", "Self-created micro-credential"


class Panel(models.Model):
    """A group of reviewers of a district, with a chair, covering some buildings and/or stacks.

    An empty scope (no buildings and no stacks) means the panel covers the whole district.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_panels",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="review_panels"
    )
    buildings = models.ManyToManyField(Building, blank=True, related_name="panels")
    stacks = models.ManyToManyField(Stack, blank=True, related_name="panels")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_panel_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def acting_chair(self) -> User | None:
        """The chair, while active. None when the panel has none or its chair was deactivated:
        the district admins then act in the chair's place (``reviews.selectors.chair_absent``
        is the same rule as a query)."""
        return self.chair if self.chair_id and self.chair.is_active else None


class StageReview(models.Model):
    """One round of review of one stage of a submission, and its outcome."""

    class Status(models.TextChoices):
        OPEN = "open", "With the reviewers"
        CHAIR = "chair", "Waiting for the chair"
        DECIDED = "decided", "Decided"
        CANCELLED = "cancelled", "Cancelled"

    class ChairReason(models.TextChoices):
        NONE = "", "—"
        SPLIT = "split", "Reviewers split"
        DISAGREEMENT = "disagreement", "Reviewers disagree on a criterion"
        CONFIRMATION = "confirmation", "District requires the chair's confirmation"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="stage_reviews"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(default=1)
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, null=True, blank=True, related_name="stage_reviews"
    )
    panel = models.ForeignKey(
        Panel, on_delete=models.SET_NULL, null=True, blank=True, related_name="stage_reviews"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    chair_reason = models.CharField(max_length=20, choices=ChairReason.choices, blank=True)
    # The reviewers' combined result (a plan decision or "earned"/"not_yet") before the chair.
    recommendation = models.CharField(max_length=30, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True, max_length=5000)
    conditions = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    # When the round's outcome is due: the district's turnaround from its opening, moved on
    # when a review of it is handed on with a later due date (``services._assignment_move``),
    # so it is never before a due date of its reviews. Whether the round is overdue is
    # ``selectors.with_round_due``.
    due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    chair_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "stage", "round"], name="unique_stage_review_round"
            )
        ]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} round {self.round} of {self.submission}"

    @property
    def is_plan_stage(self) -> bool:
        """A round of the plan's pre-approval (else of the final review of evidence)."""
        return self.stage == Stage.PLAN

    @property
    def chair_words(self) -> str:
        """The chair's reason, when the chair decided the round. Otherwise the round's reason
        only joins its reviewers' own words, which pages show by name: not repeated."""
        return self.reason if self.chair_reason else ""

    @property
    def reason_in_brief(self) -> str:
        """The reason to state beside the outcome where the reviewers are not listed by name:
        a plan round's (what its decision rests on), a final round's only from its chair (its
        reviewers' comments are read beside their scores)."""
        return self.reason if self.is_plan_stage else self.chair_words

    @property
    def outcome_label(self) -> str:
        labels = {
            **dict(ReviewAssignment.Decision.choices),
            Submission.Status.EARNED: "Earned",
            Submission.Status.NOT_YET: "Not yet",
        }
        return labels.get(self.outcome, self.outcome)

    @property
    def recommendation_label(self) -> str:
        return {
            Submission.Status.EARNED: "Earned",
            Submission.Status.NOT_YET: "Not yet",
        }.get(self.recommendation, self.recommendation)


class ReviewAssignment(models.Model):
    """One reviewer's work on one round: a plan decision, or a score per rubric criterion."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        SUBMITTED = "submitted", "Submitted"
        REASSIGNED = "reassigned", "Reassigned"
        CANCELLED = "cancelled", "Cancelled"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
        REQUEST_CHANGES = "request_changes", "Request changes"
        DECLINE = "decline", "Decline"

    class Recommendation(models.TextChoices):
        EARNED = "earned", "Earned"
        NOT_YET = "not_yet", "Not yet"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    stage_review = models.ForeignKey(
        StageReview, on_delete=models.CASCADE, related_name="assignments"
    )
    # Denormalised from the round, for the queue and the access checks.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="review_assignments"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    reason = models.TextField(blank=True, max_length=5000)
    conditions = models.TextField(blank=True, max_length=5000)
    overall_comment = models.TextField(blank=True, max_length=10000)
    assigned_at = models.DateTimeField(auto_now_add=True)
    # When the round opened, copied from it when the assignment is made (``services``): the
    # queue's order, read from the assignment's own index rather than sorted through a join.
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reassigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage_review", "reviewer"], name="one_assignment_per_reviewer_round"
            )
        ]
        indexes = [
            # The queue: a reviewer's pending reviews of one stage, oldest round first; a page
            # of it is a walk along this index.
            models.Index(
                fields=["reviewer", "status", "stage", "opened_at", "id"],
                name="review_queue_order",
            ),
            models.Index(fields=["district", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.stage_review}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.SUBMITTED)

    @property
    def needs_another_reviewer(self) -> bool:
        """Still waiting, but for a reviewer who was deactivated and whom nobody else on the
        panel could replace (``services.reviews_hand_back``): the chair chooses who takes it.
        The same rule as a query: ``needs_another_reviewer_q``."""
        return self.status == self.Status.PENDING and not self.reviewer.is_active

    @property
    def awaits_decision(self) -> bool:
        """Still the reviewer's to decide: pending, in an open round, on a submission that
        waits for this stage (``services`` refuses a decision otherwise, saying which)."""
        return (
            self.status == self.Status.PENDING
            and self.stage_review.status == StageReview.Status.OPEN
            and self.submission.status in WAITING[self.stage]
        )


def needs_another_reviewer_q(prefix: str = "") -> models.Q:
    """``ReviewAssignment.needs_another_reviewer`` as a condition on the model queried, reaching
    the assignment through ``prefix`` ("" for ReviewAssignment itself): such a review waits for
    nobody, so no report counts it as its deactivated reviewer's."""
    return models.Q(
        **{
            f"{prefix}status": ReviewAssignment.Status.PENDING,
            f"{prefix}reviewer__is_active": False,
        }
    )


class ComponentComment(models.Model):
    """A reviewer's comment on one component of a plan; the educator sees it with the decision."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="component_comments"
    )
    component = models.CharField(max_length=20, choices=CommentTopic.choices)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "component"], name="one_comment_per_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_component_display()}: {self.body[:40]}"


class CriterionScore(models.Model):
    """A reviewer's level and feedback on one rubric criterion of one attempt."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    feedback = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class QueueStamp(StampTable):
    """A number that changes with every change to what decides a district's reviewers' waiting
    counts: their reviews, the rounds' states, the submissions' statuses (kept by database
    triggers: see ``reviews.stamps``); the counts are filed under it."""
