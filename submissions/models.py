"""An educator's plan and their own submission of it.

A ``Plan`` is the shared plan text (Overview, Basis of Knowledge, Implementation, Impact
measures), written by one educator or a small group. Each educator on it has their own
``Submission``: the status, their results and reflection, their evidence (``artifacts``) and
their decision.
"""

from django.conf import settings
from django.db import models

from accounts.models import District, DistrictGoal
from credentials.models import MicroCredential

# The shared plan text, as the editor saves it and its history records it (with the district
# goals and the research sources), and the educator's own results.
PLAN_TEXT_FIELDS = [
    "title",
    "rationale",
    "hypothesis",
    "personal_goal",
    "building_goal",
    "district_goal_notes",
    "actions",
    "setting",
    "timeline",
    "affected",
    "impact_measures",
]
RESULTS_FIELDS = [
    "impact_results",
    "reflection_practice",
    "reflection_feedback",
    "reflection_changes",
    "share_notes",
]
SOURCE_FIELDS = ["citation", "kind", "url", "learned"]


class Component(models.TextChoices):
    OVERVIEW = "overview", "Overview"
    KNOWLEDGE = "knowledge", "Basis of Knowledge"
    IMPLEMENTATION = "implementation", "Implementation"
    IMPACT = "impact", "Impact"
    REFLECTION = "reflection", "Reflection"
    SHARE = "share", "Share"


class Plan(models.Model):
    class Setting(models.TextChoices):
        CLASSROOM = "classroom", "Classroom"
        BUILDING = "building", "Building"
        DISTRICT = "district", "District"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="plans")
    microcredential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="plans"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_plans"
    )
    title = models.CharField(max_length=200, blank=True)
    # Overview
    rationale = models.TextField(blank=True, max_length=10000)
    hypothesis = models.TextField(blank=True, max_length=10000)
    personal_goal = models.TextField(blank=True, max_length=5000)
    building_goal = models.TextField(blank=True, max_length=5000)
    district_goals = models.ManyToManyField(DistrictGoal, blank=True, related_name="plans")
    district_goal_notes = models.TextField(blank=True, max_length=5000)
    # Implementation
    actions = models.TextField(blank=True, max_length=10000)
    setting = models.CharField(max_length=20, choices=Setting.choices, blank=True)
    timeline = models.TextField(blank=True, max_length=5000)
    affected = models.TextField("students or staff affected", blank=True, max_length=5000)
    # Impact, at plan time
    impact_measures = models.TextField(blank=True, max_length=10000)
    # Optimistic locking for autosave: every save names the version it edited.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title or self.microcredential.title


class PlanSource(models.Model):
    """A research source of the Basis of Knowledge (at least three before submission)."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Journal article"
        BOOK = "book", "Book"
        REPORT = "report", "Report"
        VIDEO = "video", "Video or webinar"
        COURSE = "course", "Course or workshop"
        WEBSITE = "website", "Website"
        OTHER = "other", "Other"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    citation = models.TextField(max_length=2000)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    url = models.URLField(blank=True, max_length=1000)
    learned = models.TextField("what was learned", blank=True, max_length=5000)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.citation[:80]


class Submission(models.Model):
    """One educator's path through a plan: their status, results, reflection and decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PLAN_SUBMITTED = "plan_submitted", "Plan submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PLAN_APPROVED = "plan_approved", "Plan approved"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED_FOR_REVIEW = "submitted_for_review", "Submitted for review"
        NOT_YET = "not_yet", "Not yet"
        RESUBMITTED = "resubmitted", "Resubmitted"
        EARNED = "earned", "Earned"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Closed by the educator's move to another district (``people.services.person_move``):
        # neither withdrawn nor declined, so no report counts it as given up or failed.
        LEFT_DISTRICT = "left_district", "Closed: the educator left the district"

    # Evidence is added and changed while the educator works on the plan or the results.
    OPEN_FOR_EVIDENCE = frozenset(
        {
            Status.DRAFT,
            Status.CHANGES_REQUESTED,
            Status.PLAN_APPROVED,
            Status.IN_PROGRESS,
            Status.NOT_YET,
        }
    )

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="submissions")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="submissions")
    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Impact after implementation, and Reflection: each educator's own.
    impact_results = models.TextField(blank=True, max_length=20000)
    reflection_practice = models.TextField(blank=True, max_length=10000)
    reflection_feedback = models.TextField(blank=True, max_length=10000)
    reflection_changes = models.TextField(blank=True, max_length=10000)
    share_notes = models.TextField(blank=True, max_length=5000)
    version = models.PositiveIntegerField(default=1)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    plan_submitted_at = models.DateTimeField(null=True, blank=True)
    plan_decided_at = models.DateTimeField(null=True, blank=True)
    submitted_for_review_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A renewal: the earned submission whose award this one renews (its award names the old
    # award), and when the credential it keeps current was first earned, from which its credit
    # is reckoned (a renewal is not a new credit).
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals"
    )
    first_earned_at = models.DateTimeField(null=True, blank=True)
    # A plan the educator started again in their new district from the text of this one, which
    # the move closed in the district they left (``services.submission_carry_over``).
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_into"
    )

    class Meta:
        ordering = ["-status_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "educator"], name="one_submission_per_educator")
        ]
        # By status within a district, newest decision first (the salary ledger, a page at a
        # time, without sorting every award).
        indexes = [
            models.Index(
                fields=["district", "status", "decided_at", "id"], name="submission_district_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.educator} — {self.plan}"

    @property
    def is_renewal(self) -> bool:
        return self.renews_id is not None

    @property
    def required_components(self) -> list[str]:
        """The components this submission's educator writes after implementation: a renewal by
        a shortened plan, those its catalog entry names; otherwise Impact and Reflection."""
        if self.is_renewal and self.plan.microcredential.renewal_components:
            return self.plan.microcredential.renewal_components
        return [Component.IMPACT, Component.REFLECTION]

    @property
    def attempts_left(self) -> int | None:
        """Submissions for review still allowed by the district (None: no limit)."""
        limit = self.district.max_attempts
        return None if not limit else max(0, limit - self.attempt_count)

    @property
    def accepts_evidence(self) -> bool:
        """Evidence may be added, changed or replaced now (``OPEN_FOR_EVIDENCE``)."""
        return self.status in self.OPEN_FOR_EVIDENCE

    @property
    def earned_award(self):
        """The award of an earned submission (``badges.Award``, read through its reverse
        relation: this app does not import badges), or None before it is made."""
        return getattr(self, "award", None) if self.status == self.Status.EARNED else None

    @property
    def award_counts(self) -> bool:
        """Earned, and its award counts (issued, not revoked, not expired: ``Award.counts``)."""
        award = self.earned_award
        return award is not None and award.counts

    @property
    def award_lapsed(self) -> str:
        """ "revoked", "expired" or "renewed" when the plan was earned but its award no longer
        counts (renewed: a newer award renews it and counts in its place)."""
        award = self.earned_award
        if award is None:
            return ""
        if award.is_revoked:
            return "revoked"
        if award.is_expired:
            return "expired"
        return "renewed" if award.is_superseded else ""

    @property
    def status_key(self) -> str:
        """The status as pages mark it: an earned plan whose award lapsed is marked so."""
        return self.award_lapsed or self.status

    @property
    def status_label(self) -> str:
        lapsed = self.award_lapsed
        return f"Earned · award {lapsed}" if lapsed else self.get_status_display()


class Attempt(models.Model):
    """One submission for review. Artifacts submitted with it are frozen; scores attach here."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="unique_attempt_number")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.submission}"


class PlanRevision(models.Model):
    """The plan's history: who changed which fields, when, and the text after the change."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField()
    changed_fields = models.JSONField(default=list)
    snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"
