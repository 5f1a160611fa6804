from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a color like #1f4e79.")


class District(models.Model):
    """The tenant: every record of the program belongs to exactly one district."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    logo = models.ImageField(upload_to="districts/logos/", blank=True)
    primary_color = models.CharField(max_length=7, default="#1f4e79", validators=[hex_color])
    secondary_color = models.CharField(max_length=7, default="#f2b134", validators=[hex_color])
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    # SSO: only addresses of these domains may sign in through Google / Microsoft.
    email_domains = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated, e.g. kmsd.edu, staff.kmsd.edu"
    )
    # Review program settings (the reviews issue reads them).
    plan_reviewers_required = models.PositiveSmallIntegerField(default=1)
    final_reviewers_required = models.PositiveSmallIntegerField(default=2)
    review_turnaround_days = models.PositiveSmallIntegerField(default=14)
    exclude_same_building_reviewers = models.BooleanField(default=True)
    require_chair_confirmation = models.BooleanField(default=False)
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    # Artifact files are deleted this many days after the final decision (empty: kept).
    artifact_retention_days = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class Building(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_building_name")
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


class User(AbstractUser):
    """A person of one district. Signs in by e-mail; holds one or more roles there."""

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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="unique_user_email_ci")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def roles(self) -> list[str]:
        held = []
        if self.is_educator:
            held.append(Role.EDUCATOR)
        if self.is_reviewer:
            held.append(Role.REVIEWER)
        if self.is_district_admin:
            held.append(Role.DISTRICT_ADMIN)
        return held

    def has_role(self, role: str) -> bool:
        return self.is_active and self.district_id is not None and role in self.roles


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
