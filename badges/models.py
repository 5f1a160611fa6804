"""Awards: the certificate and verifiable badge an educator receives for an earned submission."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import District, State
from credentials.models import MicroCredential
from submissions.models import Submission

# A BitstringStatusList is at least 16 KB uncompressed (131,072 entries) for group privacy.
STATUS_LIST_SIZE = 131072
# An earned submission still without an issued award this long after the decision is handed to
# issuance again (at most once per this interval); after the long wait the educator's note says
# so, and the district admins are told once.
ISSUANCE_RETRY_AFTER = timedelta(minutes=10)
ISSUANCE_LONG_WAIT = timedelta(minutes=30)
# An award that expires may be renewed from this long before its date (and after it); its
# educator is reminded this many days before, once each.
RENEWAL_OPENS_BEFORE = timedelta(days=60)
RENEWAL_REMINDER_DAYS = (60, 30, 7)


class StatusList(models.Model):
    """An issuer's revocation list: a district's (its awards, and the endorsements it gives) or
    a state office's (its endorsements); ``credential`` is the signed
    BitstringStatusListCredential."""

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="status_list", null=True, blank=True
    )
    state = models.OneToOneField(
        State, on_delete=models.CASCADE, related_name="status_list", null=True, blank=True
    )
    # How many positions are in use; the positions themselves are drawn at random.
    allocated = models.PositiveIntegerField(default=0)
    credential = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(district__isnull=False, state__isnull=True)
                | Q(district__isnull=True, state__isnull=False),
                name="status_list_of_one_issuer",
            )
        ]

    def __str__(self) -> str:
        return f"Status list of {self.issuer}"

    @property
    def issuer(self) -> District | State:
        return self.district if self.district_id is not None else self.state


def award_counts_q(*, at: datetime, prefix: str = "", anti_join: bool = False) -> Q:
    """An award that counts at ``at``: issued, not revoked, not expired by then, and not renewed
    by an award that counts (a renewal is the same credential kept current, not a second one).

    The one rule of "does this award count?", which every report, export, progress card,
    portfolio and plan status reads: through ``Award.objects.counting()``, through this
    condition with ``prefix`` leading from another model to the award (``"award__"`` from a
    Submission), or through ``Award.counts`` for one award already loaded.

    ``anti_join``: the renewal is looked for with ``NOT EXISTS`` instead of an outer join, for
    a condition in a WHERE clause. PostgreSQL estimates the outer join's ``NOT (...)`` at one
    row, and so read all 17,000 awards of the 50,000-plan district to page the salary ledger
    (77 ms); as an anti-join it walks the submissions' index in the ledger's order and stops
    after the page (0.3 ms). Inside an aggregate's FILTER, where the subquery would run once
    per row, the outer join stays.
    """
    if anti_join:
        renewal_counts = Award.objects.filter(
            _valid_q(at=at, prefix=""), renews=OuterRef(f"{prefix}pk")
        )
        return _valid_q(at=at, prefix=prefix) & ~Q(Exists(renewal_counts))
    return _valid_q(at=at, prefix=prefix) & ~_valid_q(at=at, prefix=f"{prefix}renewed_by__")


def _valid_q(*, at: datetime, prefix: str) -> Q:
    """Issued, not revoked, not expired at ``at``. An award that a valid renewal renews does
    not count beside it (the credential counts once, as its newest award); it stays valid, and
    says so on its verification page, until its own date."""
    return Q(**{f"{prefix}state": Award.State.ISSUED, f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": at})
    )


class AwardQuerySet(models.QuerySet):
    def counting(self, *, at: datetime | None = None) -> "AwardQuerySet":
        """The awards that count at ``at`` (now by default)."""
        return self.filter(award_counts_q(at=at or timezone.now()))


class Award(models.Model):
    """Exactly one per earned submission (the unique submission is the idempotency key)."""

    class State(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        ISSUED = "issued", "Issued"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="awards")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="award")
    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards"
    )
    microcredential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="awards"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PREPARING)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    status_list_index = models.PositiveIntegerField()
    recipient_salt = models.CharField(max_length=64)
    # The signed OpenBadgeCredential, kept byte-stable: it is what the educator holds.
    credential = models.JSONField(default=dict, blank=True)
    certificate_key = models.CharField(max_length=300, blank=True)
    badge_png_key = models.CharField(max_length=300, blank=True)
    badge_svg_key = models.CharField(max_length=300, blank=True)
    ob2_png_key = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True, max_length=2000)
    # The award this one renews (its submission renewed that one's): named in the credential.
    renews = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "status_list_index"], name="unique_award_status_index"
            )
        ]
        indexes = [
            models.Index(fields=["educator", "state"]),
            # The state's awards, newest first, a page at a time: read down this index from
            # a page's last award (states.selectors.awards_page), never sorted whole.
            models.Index(
                F("issued_at").desc(),
                F("id").desc(),
                name="award_issued_newest_first",
                condition=Q(state="issued"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.microcredential.title} — {self.educator}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_revocable(self) -> bool:
        """A district admin may revoke it: not revoked already (a revocation is final, and its
        date, author and reason stay as they were). The one home of that rule: the revoke page
        and the Awards list read it, ``award_revoke`` enforces it."""
        return not self.is_revoked

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_preparing(self) -> bool:
        return self.state != self.State.ISSUED

    @property
    def is_valid(self) -> bool:
        """Issued, not revoked, not expired."""
        return not (self.is_revoked or self.is_expired or self.is_preparing)

    @property
    def renewal(self) -> "Award | None":
        """The award that renews this one, issued or being prepared (None: not renewed)."""
        return getattr(self, "renewed_by", None)

    @property
    def is_superseded(self) -> bool:
        """A valid renewal renews it: it counts no more (the renewal counts in its place)."""
        renewal = self.renewal
        return renewal is not None and renewal.is_valid

    @property
    def counts(self) -> bool:
        """This award counts now: ``award_counts_q`` for an award already loaded."""
        return self.is_valid and not self.is_superseded

    @property
    def renewal_opens_at(self) -> datetime | None:
        """From when it may be renewed (None: it never expires, so it is never renewed)."""
        return None if self.expires_at is None else self.expires_at - RENEWAL_OPENS_BEFORE

    @property
    def is_renewable(self) -> bool:
        """Its educator may start its renewal now: issued, not revoked, from
        ``RENEWAL_OPENS_BEFORE`` before it expires (and after), and not renewed already. The
        one home of that rule: the renew page, its button, the reminders read it."""
        return (
            self.renewal_opens_at is not None
            and not self.is_preparing
            and not self.is_revoked
            and timezone.now() >= self.renewal_opens_at
            and self.renewal is None
        )

    @property
    def verification_status(self) -> str:
        """Why the award counts or not, in a word: "revoked", "expired", "preparing", "valid"."""
        if self.is_revoked:
            return "revoked"
        if self.is_expired:
            return "expired"
        if self.is_preparing:
            return "preparing"
        return "valid"

    @property
    def badge_image_path(self) -> str:
        """The badge's PNG as our pages show it: a same-origin path, so it loads whatever host
        and port serve the page (CSP ``img-src 'self'``). Credentials, assertions and e-mail
        signatures, read elsewhere, make it absolute with SITE_URL (``open_badges.absolute``)."""
        return reverse("badges:badge_png", kwargs={"award_uuid": self.uuid})

    def storage_key(self, name: str) -> str:
        """Deterministic object keys: the same award always writes the same files."""
        return f"badges/{self.district.slug}/{self.uuid}/{name}"


class RenewalReminder(models.Model):
    """One reminder sent to an award's educator ``days_before`` it expires: the record that
    makes each reminder go once, however often (and however concurrently) the task runs."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="renewal_reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["award", "-days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "days_before"], name="one_renewal_reminder_per_award_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"Renewal reminder {self.days_before} days before, award {self.award_id}"


class IssuanceRecovery(models.Model):
    """An earned submission whose award did not come through in time, as the recovery sweep
    found it: when it last handed it back to issuance, how often, and when the district's
    admins were told."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="issuance_recovery"
    )
    requeued_at = models.DateTimeField()
    requeues = models.PositiveIntegerField(default=0)
    district_told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Issuance recovery of submission {self.submission_id}"


class Portfolio(models.Model):
    """An educator's opt-in public page of their awards (unpublished: 404)."""

    educator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_portfolio"
    )
    slug = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    published = models.BooleanField(default=False)
    headline = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Portfolio of {self.educator}"


class PublicEvidence(models.Model):
    """A piece of evidence the educator chooses to show on their badge: a title and a narrative
    in their own words (never a file, so never student work). Chosen until the award is issued;
    the signed credential then carries it."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="public_evidence"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    narrative = models.TextField(max_length=2000)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="unique_public_evidence_position"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Endorsement(models.Model):
    """A state office's, or another district's, signed word that a district's micro-credential
    meets its rule: an OB 3.0 EndorsementCredential about the micro-credential's achievement,
    signed with the endorser's own did:web key. Awards of the entry issued while it stands carry
    it in their achievement's ``endorsement``; withdrawing it marks it in the endorser's status
    list (credentials already signed keep the copy they carry, which then verifies as revoked).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    microcredential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="endorsements"
    )
    endorser_state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="endorsements_given"
    )
    endorser_district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="endorsements_given",
    )
    comment = models.TextField(max_length=2000)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status_list_index = models.PositiveIntegerField()
    # The signed EndorsementCredential, kept byte-stable: awards embed it as it is.
    credential = models.JSONField(default=dict, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(endorser_state__isnull=False, endorser_district__isnull=True)
                | Q(endorser_state__isnull=True, endorser_district__isnull=False),
                name="endorsement_of_one_endorser",
            ),
            models.UniqueConstraint(
                fields=["microcredential", "endorser_state"],
                condition=Q(withdrawn_at__isnull=True, endorser_state__isnull=False),
                name="one_standing_endorsement_per_state",
            ),
            models.UniqueConstraint(
                fields=["microcredential", "endorser_district"],
                condition=Q(withdrawn_at__isnull=True, endorser_district__isnull=False),
                name="one_standing_endorsement_per_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorser} endorses {self.microcredential.title}"

    @property
    def endorser(self) -> District | State:
        return self.endorser_district if self.endorser_district_id else self.endorser_state

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
