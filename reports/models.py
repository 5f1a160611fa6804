"""A district's program rules (what earning counts for, re-licensure, cycles) and report exports.

Rules are effective-dated: a rule applies to awards decided on or after its ``effective_from``;
when several apply, the most specific wins (one micro-credential, then a level of rigor, then the
whole district), and among equals the latest start date.
"""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import District


class ProgramCycle(models.Model):
    """A semester or cycle with its dates and its submission deadlines."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    plan_deadline = models.DateField(
        "plan submission deadline", null=True, blank=True, help_text="Last day to submit a plan."
    )
    evidence_deadline = models.DateField(
        "evidence submission deadline",
        null=True,
        blank=True,
        help_text="Last day to submit evidence for review.",
    )

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_cycle_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cycle_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CreditRule(models.Model):
    """What an earned micro-credential counts for: salary, PD points, clock hours."""

    class Scope(models.TextChoices):
        DISTRICT = "district", "Every micro-credential"
        RIGOR = "rigor", "A level of rigor"
        MICROCREDENTIAL = "microcredential", "One micro-credential"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="credit_rules")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.DISTRICT)
    rigor = models.PositiveSmallIntegerField(null=True, blank=True)
    # A catalog entry's lineage, so the rule follows it across versions.
    microcredential_lineage = models.UUIDField(null=True, blank=True)
    effective_from = models.DateField()
    salary_amount = models.DecimalField(
        "salary increase ($)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    pd_points = models.DecimalField(
        "PD points", max_digits=5, decimal_places=1, null=True, blank=True
    )
    clock_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "scope", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="district", rigor__isnull=True, microcredential_lineage=None)
                    | models.Q(scope="rigor", rigor__isnull=False, microcredential_lineage=None)
                    | models.Q(
                        scope="microcredential",
                        rigor__isnull=True,
                        microcredential_lineage__isnull=False,
                    )
                ),
                name="credit_rule_scope_fields",
            ),
        ]
        indexes = [models.Index(fields=["district", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} from {self.effective_from}"


class RenewalRule(models.Model):
    """Re-licensure: ``required_count`` micro-credentials earned within ``window_cycles`` cycles.

    Windows are consecutive runs of cycles starting at ``first_cycle`` (Kansas pilot: 2 within
    3 semesters). An educator is at risk when the window closes within ``at_risk_days`` and
    what they have earned plus what they have in progress falls short.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="renewal_rules")
    name = models.CharField(max_length=120, default="License renewal")
    required_count = models.PositiveSmallIntegerField(default=2)
    window_cycles = models.PositiveSmallIntegerField(default=3)
    first_cycle = models.ForeignKey(ProgramCycle, on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField()
    at_risk_days = models.PositiveSmallIntegerField(default=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_count__gte=1, window_cycles__gte=1),
                name="renewal_rule_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.required_count} within {self.window_cycles} cycles"


class ExportJob(models.Model):
    """A large export built by a worker; the file lands in default storage."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.CharField(max_length=60)
    file_format = models.CharField(max_length=10)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    storage_key = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.file_format} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))

    @property
    def filename(self) -> str:
        return f"{self.dataset}-{self.created_at:%Y%m%d-%H%M}.{self.file_format}"


class ReportStamp(models.Model):
    """A number that changes with every change to what a district's reports read (kept by
    database triggers: see ``reports.stamps``); cached report figures are filed under it.

    ``district_id`` is a plain number, not a foreign key: the stamp is bumped at COMMIT, also
    for the commit that deletes its district.
    """

    district_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"district {self.district_id}: {self.version}"
