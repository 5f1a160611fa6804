"""Evidence of a submission: files in private object storage, or links; and the record of
everyone who opened them."""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import District
from credentials.models import EvidenceType, RubricCriterion
from submissions.models import Attempt, Component, Submission


class Artifact(models.Model):
    """Evidence: a file in object storage (private) or a link."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    class Status(models.TextChoices):
        UPLOADING = "uploading", "Uploading"
        CHECKING = "checking", "Checking"
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused"
        DELETED = "deleted", "Deleted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="artifacts")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="artifacts")
    component = models.CharField(max_length=20, choices=Component.choices, default=Component.IMPACT)
    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.SET_NULL, null=True, blank=True, related_name="artifacts"
    )
    evidence_type = models.ForeignKey(
        EvidenceType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FILE)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    url = models.URLField(blank=True, max_length=1000)
    storage_key = models.CharField(max_length=500, blank=True)
    thumbnail_key = models.CharField(max_length=500, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    # The size the browser announced; ``size`` is what storage reports after the upload.
    declared_size = models.BigIntegerField(null=True, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Multipart upload in progress (large files): the S3 upload id, and when the grant lapses.
    upload_id = models.CharField(max_length=400, blank=True)
    upload_expires_at = models.DateTimeField(null=True, blank=True)
    # Safe to show in the browser (raster images, PDF, audio/video); everything else downloads.
    inline_safe = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADING)
    refusal_reason = models.TextField(blank=True)
    # Refused only because its check could not run (``checks.refusal_retryable``), its bytes kept.
    refusal_retryable = models.BooleanField(default=False)
    # The privacy checklist the educator confirms.
    confirmed_no_identifying_info = models.BooleanField(default=False)
    confirmed_consent_on_file = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when the artifact was submitted for review: frozen from then on.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="artifacts"
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deletion_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["component", "created_at"]
        indexes = [models.Index(fields=["submission", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def opens(self) -> bool:
        """It can be opened: accepted (its checks passed) and not deleted."""
        return self.status == self.Status.ACCEPTED and self.deleted_at is None

    @property
    def is_being_checked(self) -> bool:
        return self.status == self.Status.CHECKING

    @property
    def may_retry_check(self) -> bool:
        """Its refusal can be undone by checking it again: its check could not run (the scanner
        or storage did not answer) and its bytes are kept. A refusal for what the file is never
        changes by retrying: it is removed instead. The one home of that rule: the evidence
        list's Retry and ``services.artifact_check_retry`` read it."""
        return (
            self.status == self.Status.REFUSED
            and self.refusal_retryable
            and bool(self.storage_key)
            and not self.is_frozen
        )

    @property
    def is_frozen(self) -> bool:
        """Submitted with an attempt: what a reviewer scored never changes; after a "not yet"
        a replacement is added instead."""
        return self.attempt_id is not None

    @property
    def has_image_preview(self) -> bool:
        """An accepted image with its thumbnail, shown in the page to whoever may open it."""
        return self.kind == self.Kind.FILE and self.opens and bool(self.thumbnail_key)

    @property
    def plays_inline(self) -> bool:
        """An accepted video the browser may play in the page (it is served inline)."""
        return (
            self.kind == self.Kind.FILE
            and self.opens
            and self.inline_safe
            and self.content_type.startswith("video/")
        )


class ArtifactAccess(models.Model):
    """The disclosure record: every time someone opened an artifact."""

    class Purpose(models.TextChoices):
        OPEN = "open", "Opened the file"
        THUMBNAIL = "thumbnail", "Viewed the thumbnail"

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="accesses")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.OPEN)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.user} opened {self.artifact} at {self.opened_at:%Y-%m-%d %H:%M}"
