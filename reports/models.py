"""Report exports, the stamp that report figures are cached under, and the salary credit a
district agreed to pay for awards earned elsewhere in its state."""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import District
from microcreds.stamps import StampTable
from submissions.models import Submission


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
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_ready(self) -> bool:
        """Built: its file may be downloaded."""
        return self.status == self.Status.DONE and bool(self.storage_key)

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))


class ReportStamp(StampTable):
    """A number that changes with every change to what a district's reports read (kept by
    database triggers: see ``reports.stamps``); cached report figures are filed under it."""


class SalaryAcceptance(models.Model):
    """``district`` agreed to pay the salary credit of ``submission``'s award, earned in another
    district of its state: a record, so that what a district agreed to pay stays on its ledger
    when the person leaves later or the district stops accepting (``reports.services``).
    """

    class Reason(models.TextChoices):
        MOVED_IN = "moved_in", "The person moved in"
        SETTING_ON = "setting_on", "The district started accepting state awards"
        ISSUED = "issued", "Issued elsewhere to a person of the district"

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="salary_acceptances"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="salary_acceptances"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "submission"], name="unique_salary_acceptance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} pays submission {self.submission_id}"
