from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import (
    DomainNameValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac

from .uploads import FAMILY_LABELS, deployment_families

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a color like #1f4e79.")
_domain_name = DomainNameValidator(accept_idna=False)
# Anyone can have an address there: as a district's sign-in domain it would let anyone join.
PUBLIC_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com icloud.com "
    "me.com aol.com proton.me protonmail.com gmx.com mail.com yandex.com zoho.com".split()
)


def validate_email_domains(value: str) -> None:
    """Comma-separated host names of the district's own, e.g. ``kmsd.edu, staff.kmsd.edu``."""
    for domain in (d.strip().lower() for d in value.split(",")):
        if not domain:
            continue
        try:
            _domain_name(domain)
        except ValidationError:
            raise ValidationError(
                "“%(domain)s” is not a domain name. Use the part after the @ of your staff's "
                "addresses, e.g. kmsd.edu.",
                code="invalid_domain",
                params={"domain": domain[:100]},
            ) from None
        if domain in PUBLIC_MAIL_DOMAINS:
            raise ValidationError(
                "“%(domain)s” is a public mail service: anyone with an address there could "
                "join your district. Use your district's own domain.",
                code="public_domain",
                params={"domain": domain},
            )


def validate_artifact_families(value) -> None:
    """A list of the evidence file families this deployment accepts (see ``uploads``)."""
    if value is None:
        return
    offered = deployment_families()
    if not isinstance(value, list) or any(f not in offered for f in value):
        raise ValidationError(
            "Choose among the types this site accepts: %(offered)s.",
            code="invalid_families",
            params={"offered": ", ".join(FAMILY_LABELS[f] for f in offered)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("A type is listed twice.", code="duplicate_families")


class State(models.Model):
    """A state office, a regional service center or a consortium: the body above its districts.
    Its admins create and suspend its districts and read their figures side by side; a
    district's plans and evidence stay the district's records."""

    class Kind(models.TextChoices):
        STATE = "state", "State education agency"
        REGIONAL = "regional", "Regional service center"
        CONSORTIUM = "consortium", "Consortium"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """The tenant: every record of the program belongs to exactly one district."""

    # The state, regional center or consortium it belongs to; none for a district on its own.
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="districts", null=True, blank=True
    )
    # A suspended district's people cannot sign in; its records are kept as they are.
    suspended_at = models.DateTimeField(null=True, blank=True)

    # Labels and help texts are the district settings page's (accounts.forms), and its history's.
    name = models.CharField(
        "district name",
        max_length=200,
        help_text="Shown at the top of every page and on certificates.",
    )
    slug = models.SlugField(max_length=80, unique=True)
    logo = models.ImageField(
        upload_to="districts/logos/",
        blank=True,
        help_text="Printed on certificates. A PNG or JPEG image up to 2 MB; it is re-encoded, so "
        "no hidden metadata is kept.",
    )
    primary_color = models.CharField(
        max_length=7,
        default="#1f4e79",
        validators=[hex_color],
        help_text="The certificate's border and headings, as #rrggbb.",
    )
    secondary_color = models.CharField(
        "accent color",
        max_length=7,
        default="#f2b134",
        validators=[hex_color],
        help_text="The band across the certificate, as #rrggbb.",
    )
    signatory_name = models.CharField(
        "signatory's name",
        max_length=200,
        blank=True,
        help_text="The person who signs certificates, e.g. Dr. Pat Lee. Empty: the district's "
        "name is printed instead.",
    )
    signatory_title = models.CharField(
        "signatory's title",
        max_length=200,
        blank=True,
        help_text="Printed under the signature, e.g. Superintendent.",
    )
    # SSO: only addresses of these domains may sign in through Google / Microsoft.
    email_domains = models.CharField(
        "sign-in e-mail domains",
        max_length=500,
        blank=True,
        help_text="People whose verified Google or Microsoft address is at one of these domains "
        "may sign in with it; a new person joins your district as an educator. Comma-separated, "
        "e.g. kmsd.edu, staff.kmsd.edu. Empty: nobody signs in this way.",
        validators=[validate_email_domains],
    )
    # Review program settings (the reviews issue reads them).
    plan_reviewers_required = models.PositiveSmallIntegerField(
        "reviewers per plan",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How many reviewers must approve a plan before the educator starts (1 to 5). "
        "When they disagree, the panel chair decides.",
    )
    final_reviewers_required = models.PositiveSmallIntegerField(
        "reviewers per final review",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How many reviewers score the evidence of a submission (1 to 5). A "
        "disagreement on any criterion goes to the panel chair.",
    )
    review_turnaround_days = models.PositiveSmallIntegerField(
        "review turnaround (days)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Reviewers have this many days from assignment (1 to 90); after that the "
        "review is overdue and they are reminded.",
    )
    exclude_same_building_reviewers = models.BooleanField(
        "reviewers never review educators of their own building",
        default=True,
        help_text="Keeps reviews impartial: an educator's reviewers come from other buildings.",
    )
    require_chair_confirmation = models.BooleanField(
        "the panel chair confirms every final outcome",
        default=False,
        help_text="Off: when the reviewers agree, their outcome stands at once. On: the chair "
        "confirms it before the educator is told.",
    )
    max_attempts = models.PositiveSmallIntegerField(
        "attempts allowed per micro-credential",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many times an educator may submit evidence for one micro-credential, "
        "the first time included (1 to 10). Empty: no limit.",
    )
    # Artifact files are deleted this many days after the final decision (empty: kept).
    artifact_retention_days = models.PositiveIntegerField(
        "keep evidence files for (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Evidence files are deleted this many days after a plan's final decision "
        "(1 to 3650); the credential and a note of what was deleted stay. Empty: files are kept.",
    )
    # Evidence file families accepted (document, image, video, audio), within the deployment's
    # ARTIFACT_ALLOWED_FAMILIES. None: every family the deployment accepts.
    artifact_families = models.JSONField(
        "evidence file types accepted",
        null=True,
        blank=True,
        default=None,
        validators=[validate_artifact_families],
        help_text="The kinds of file educators may upload as evidence; an evidence type may "
        "narrow them further. Links are always accepted.",
    )
    # Salary credit for awards its people earned in another district of its state: while on,
    # the district agrees to pay them (``reports.models.SalaryAcceptance``, kept for good).
    accept_state_awards_for_salary = models.BooleanField(
        "salary credit for awards earned elsewhere in the state",
        default=False,
        help_text="On: your district agrees to pay, under your credit rules, the awards your "
        "people earned in another district of your state: those of your people now when you turn "
        "it on, of people who join you, and issued elsewhere to your people later. Off: nothing "
        "new is agreed; what your district agreed to pay stays on its salary ledger.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


def unique_external_id(model: str) -> models.UniqueConstraint:
    """An identifier the district's other systems (HR, the SIS) know a record by, unique in the
    district when given: what the API's roster sync matches on."""
    return models.UniqueConstraint(
        fields=["district", "external_id"],
        condition=~models.Q(external_id=""),
        name=f"unique_{model}_external_id",
    )


class Building(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(max_length=200)
    external_id = models.CharField(
        "ID in the district's other systems", max_length=100, blank=True, default=""
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_building_name"),
            unique_external_id("building"),
        ]

    def __str__(self) -> str:
        return self.name


class DistrictGoal(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class Role(models.TextChoices):
    EDUCATOR = "educator", "Educator"
    REVIEWER = "reviewer", "Reviewer"
    DISTRICT_ADMIN = "district_admin", "District admin"
    STATE_ADMIN = "state_admin", "State admin"


# The flag of ``User`` that grants each role.
ROLE_FLAGS = {
    Role.EDUCATOR: "is_educator",
    Role.REVIEWER: "is_reviewer",
    Role.DISTRICT_ADMIN: "is_district_admin",
    Role.STATE_ADMIN: "is_state_admin",
}
# The roles held in a state rather than in a district: their holder belongs to the state.
STATE_ROLES = frozenset({Role.STATE_ADMIN})
# The roles a district gives its people (its people pages and roster offer these).
DISTRICT_ROLES = [role for role in Role if role not in STATE_ROLES]


def holds_role(role: str, *, prefix: str = "") -> models.Q:
    """The people who hold ``role``: active, in a district (in a state for a state role), with
    its flag; ``prefix`` leads from the queried model to the person. ``User.has_role`` is the
    same rule for one person already loaded."""
    home = "state" if role in STATE_ROLES else "district"
    return models.Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}{home}__isnull": False,
            f"{prefix}{ROLE_FLAGS[role]}": True,
        }
    )


def awaits_invitation() -> models.Q:
    """The people who never signed in and have no password of their own: the queryset form of
    ``User.awaits_invitation`` (Django's ``is_password_usable`` for the stored password)."""
    return models.Q(last_login__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)


def person_name(first_name: str, last_name: str, email: str) -> str:
    """What a person is called on every page (``User.display_name``): their full name, else
    their address; for pages that read these three columns without the rest of the user."""
    return f"{first_name} {last_name}".strip() or email


class User(AbstractUser):
    """A person of one district (or a state admin, of one state). Signs in by e-mail; holds one
    or more roles there."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, related_name="people", null=True, blank=True
    )
    is_educator = models.BooleanField(default=False)
    is_reviewer = models.BooleanField(default=False)
    is_district_admin = models.BooleanField(default=False)
    # A state admin belongs to their state, not to a district.
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="admins", null=True, blank=True
    )
    is_state_admin = models.BooleanField(default=False)

    external_id = models.CharField(
        "ID in the district's other systems", max_length=100, blank=True, default=""
    )
    # The state's educator license number: one person across the state's districts. Unique in
    # the state that issued it (``license_state``, set from the district's state).
    license_number = models.CharField(
        "state educator license number",
        max_length=40,
        blank=True,
        default="",
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9-]+$", "Use the letters, digits and dashes of the license number."
            )
        ],
        help_text="Optional. The number on your state educator license; it lets a district of "
        "your state invite you when you move.",
    )
    license_state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="licensees", null=True, blank=True
    )
    # Moved when the way this person signs in changes (a second factor added or removed):
    # every session signed in before then ends (``_get_session_auth_hash``), as a new password
    # ends them (``services.sessions_end_elsewhere``).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_user_email_ci"),
            models.CheckConstraint(
                condition=models.Q(is_state_admin=False)
                | models.Q(state__isnull=False, district__isnull=True),
                name="state_admin_of_a_state_not_a_district",
            ),
            unique_external_id("user"),
            models.UniqueConstraint(
                "license_state",
                Lower("license_number"),
                condition=~models.Q(license_number=""),
                name="unique_license_number_in_state",
            ),
            models.CheckConstraint(
                condition=models.Q(license_number="") | models.Q(license_state__isnull=False),
                name="license_number_has_a_state",
            ),
        ]
        # A district's people by name, a page at a time (people lists, re-licensure report).
        indexes = [
            models.Index(
                fields=["district", "last_name", "first_name", "id"], name="user_district_name"
            )
        ]

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password, which each session carries and every request checks;
        # mixed with the generation once it has moved, so sessions signed in before end. At 0
        # it is Django's own, so nobody was signed out when the generation came in.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return person_name(self.first_name, self.last_name, self.email)

    @property
    def roles(self) -> list[str]:
        return [role for role, flag in ROLE_FLAGS.items() if getattr(self, flag)]

    @property
    def awaits_invitation(self) -> bool:
        """Never signed in and no password of their own: the one kind of person an invitation
        (which sets a password and signs in) may be sent to. ``awaits_invitation()`` is the
        same rule for a queryset."""
        return self.last_login is None and not self.has_usable_password()

    def has_role(self, role: str) -> bool:
        home = self.state_id if role in STATE_ROLES else self.district_id
        return self.is_active and home is not None and role in self.roles

    def administers(self, district: District) -> bool:
        """An admin of ``district``, or a state admin of the state it belongs to."""
        if self.has_role(Role.DISTRICT_ADMIN) and self.district_id == district.pk:
            return True
        return (
            self.has_role(Role.STATE_ADMIN)
            and district.state_id is not None
            and self.state_id == district.state_id
        )

    @property
    def district_suspended(self) -> bool:
        """Their district is suspended: they may not sign in."""
        return self.district_id is not None and self.district.is_suspended


class Membership(models.Model):
    """A person's time in one district, with the roles they held there. ``User.district`` is
    the district of their one open membership (kept in step by ``people.services.person_move``);
    every record (plan, review, award) keeps the district it was made in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="memberships")
    roles = models.JSONField(default=list, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_membership_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.district}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class MoveInvitation(models.Model):
    """An admin of ``district`` asks ``person`` (of another district of the same state) to
    move there; the person accepts on the page of ``token``."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="move_invitations")
    roles = models.JSONField(default=list)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} to {self.district}"


class AuditEvent(models.Model):
    """Who did what to which record, when, and the status it moved from and to."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="audit_events", null=True
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.BigIntegerField()
    from_status = models.CharField(max_length=40, blank=True)
    to_status = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"
