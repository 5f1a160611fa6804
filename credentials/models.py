import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from accounts.models import District, State


class EvidenceType(models.Model):
    """A kind of evidence a micro-credential asks for (video, lesson plan, student work, ...)."""

    class FileFamily(models.TextChoices):
        ANY = "any", "Any allowed file"
        DOCUMENT = "document", "Documents (PDF, office files, text)"
        IMAGE = "image", "Images"
        VIDEO = "video", "Video"
        AUDIO = "audio", "Audio"
        LINK = "link", "Link only"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="evidence_types")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    accepts = models.CharField(max_length=20, choices=FileFamily.choices, default=FileFamily.ANY)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_evidence_type")
        ]

    def __str__(self) -> str:
        return self.name


class Stack(models.Model):
    """A named group of micro-credentials, e.g. "Classroom Management" and its five."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="stacks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#1f4e79")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="unique_stack")]

    def __str__(self) -> str:
        return self.name


class StateCatalogEntry(models.Model):
    """A micro-credential the state publishes for its districts to adopt. Its content lives in
    its versions, each a package (``credentials.packages``: the same document as a catalog
    entry's file); a district's adopted copy is an ordinary entry of its catalog."""

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="catalog_entries")
    # Of the latest version, kept here to list and sort without reading the packages.
    title = models.CharField(max_length=200)
    stack_name = models.CharField(max_length=200, blank=True)
    latest_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stack_name", "title", "id"]

    def __str__(self) -> str:
        return f"{self.title} (state v{self.latest_version})"


class StateCatalogVersion(models.Model):
    """One published version of a state entry: fixed once written, so a district that adopted
    it keeps reading what it adopted."""

    entry = models.ForeignKey(StateCatalogEntry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    package = models.JSONField()
    # The state's words on what changed, shown to the districts with the offer.
    note = models.CharField(max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="unique_state_entry_version")
        ]

    def __str__(self) -> str:
        return f"{self.entry.title} v{self.number}"


class MicroCredential(models.Model):
    """One version of a catalog entry. Editing a published entry makes a new version with the
    same ``lineage``; a plan keeps the version it started on."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed by an educator"
        # An educator's proposal after the panel's plan decision: approved for its plan and
        # group (not in the catalog unless an admin publishes it), or declined.
        APPROVED = "approved", "Approved by the panel for its plan"
        DECLINED = "declined", "Declined by the panel"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"
        SUPERSEDED = "superseded", "Replaced by a newer version"

    class Origin(models.TextChoices):
        DISTRICT = "district", "District-designed"
        PACKAGED = "packaged", "Packaged / third-party"
        EDUCATOR = "educator", "Educator-created"

    class Rigor(models.IntegerChoices):
        FOUNDATIONAL = 1, "Foundational"
        DEVELOPING = 2, "Developing"
        PROFICIENT = 3, "Proficient"
        ADVANCED = 4, "Advanced"

    class RenewalPlan(models.TextChoices):
        """How an award of this entry is renewed before it expires (``valid_for_days``)."""

        FULL = "full", "Re-earn it fully: a new plan, pre-approved, then reviewed"
        IMPACT_REFLECTION = (
            "impact_reflection",
            "A shortened plan: new Impact results and Reflection, with fresh evidence",
        )
        REFLECTION = "reflection", "A shortened plan: a new Reflection, with fresh evidence"

    class GradeBand(models.TextChoices):
        ALL = "all", "All grades"
        PREK_2 = "prek-2", "PreK–2"
        G3_5 = "3-5", "Grades 3–5"
        G6_8 = "6-8", "Grades 6–8"
        G9_12 = "9-12", "Grades 9–12"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="catalog")
    lineage = models.UUIDField(default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    competency = models.TextField()
    key_method = models.TextField(blank=True)
    method_components = models.TextField(blank=True)
    research_and_resources = models.TextField(blank=True)
    submission_guidelines = models.TextField(blank=True)
    evidence_types = models.ManyToManyField(EvidenceType, blank=True, related_name="+")
    estimated_hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    pd_points = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    rigor = models.PositiveSmallIntegerField(choices=Rigor.choices, default=Rigor.DEVELOPING)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.DISTRICT)
    stack = models.ForeignKey(
        Stack, on_delete=models.SET_NULL, null=True, blank=True, related_name="microcredentials"
    )
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated")
    grade_band = models.CharField(max_length=10, choices=GradeBand.choices, default=GradeBand.ALL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    badge_image = models.ImageField(upload_to="badges/images/", blank=True)
    valid_for_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Awards expire after this many days (empty: never)."
    )
    renewal_plan = models.CharField(
        max_length=20,
        choices=RenewalPlan.choices,
        default=RenewalPlan.FULL,
        help_text="What an educator does to renew an award of this entry before it expires.",
    )
    # The state's professional standard the entry meets, where the district names one: the
    # badge carries it as an alignment beside the competency.
    state_standard = models.CharField(max_length=300, blank=True)
    state_standard_url = models.URLField(max_length=500, blank=True)
    # A district's copy of a state entry, and the state's version this row was made from: the
    # state defines its content, so the district does not edit it (``is_editable``).
    adopted_from = models.ForeignKey(
        StateCatalogEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    adopted_version = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(adopted_from__isnull=True, adopted_version__isnull=True)
                | models.Q(adopted_from__isnull=False, adopted_version__isnull=False),
                name="adopted_entry_names_its_version",
            ),
            models.UniqueConstraint(
                fields=["lineage", "version"], name="unique_credential_version"
            ),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=models.Q(status="published"),
                name="one_published_version_per_lineage",
            ),
        ]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def renewal_components(self) -> list[str]:
        """The components a renewal asks for (``RubricCriterion.Component`` values); empty:
        the renewal is re-earned fully (the whole plan, pre-approved, then reviewed)."""
        return {
            self.RenewalPlan.IMPACT_REFLECTION: ["impact", "reflection"],
            self.RenewalPlan.REFLECTION: ["reflection"],
        }.get(self.renewal_plan, [])

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    # What an entry's status lets the district do with it. The services enforce these; views
    # and templates read them.

    @property
    def is_adopted(self) -> bool:
        """A copy of a state entry: the state defines it; the district takes the state's new
        versions when it chooses (``microcredential_adopted_update``), never edits it."""
        return self.adopted_from_id is not None

    @property
    def state_update_offered(self) -> bool:
        """An adopted entry in use whose state entry has a newer version: the district may take
        it (``microcredential_adopted_update``); ``selectors.adoption_offers`` asks the same in
        SQL."""
        return (
            self.is_adopted
            and self.is_published
            and self.adopted_version < self.adopted_from.latest_version
        )

    @property
    def changes_in_place(self) -> bool:
        """A draft or a proposal: no plan is scored against it yet, so its details and its
        rubric change in place."""
        return not self.is_adopted and self.status in (self.Status.DRAFT, self.Status.PROPOSED)

    @property
    def edit_makes_new_version(self) -> bool:
        """Published: editing its details publishes a new version; its rubric is fixed."""
        return not self.is_adopted and self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Its details may be edited, in place or as a new version."""
        return self.changes_in_place or self.edit_makes_new_version

    @property
    def is_publishable(self) -> bool:
        """A draft, a proposal, or an educator's entry the panel approved with its plan."""
        return self.status in (self.Status.DRAFT, self.Status.PROPOSED, self.Status.APPROVED)

    @property
    def is_retirable(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def takes_new_draft(self) -> bool:
        """Published or retired: a draft copy may be made to change its rubric."""
        return not self.is_adopted and self.status in (self.Status.PUBLISHED, self.Status.RETIRED)

    @property
    def is_published(self) -> bool:
        """In the catalog: new plans start on this version."""
        return self.status == self.Status.PUBLISHED


class Rubric(models.Model):
    """How a submission is scored. The passing rule of the whole rubric is explicit."""

    class PassingRule(models.TextChoices):
        ALL = "all", "Every criterion at its passing level"
        MINIMUM = "minimum", "At least a number of criteria at their passing level"

    microcredential = models.OneToOneField(
        MicroCredential, on_delete=models.CASCADE, related_name="rubric"
    )
    passing_rule = models.CharField(
        max_length=10, choices=PassingRule.choices, default=PassingRule.ALL
    )
    minimum_passing_criteria = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Rubric of {self.microcredential}"

    def passes(self, passed_criteria: int, total_criteria: int) -> bool:
        if self.passing_rule == self.PassingRule.MINIMUM and self.minimum_passing_criteria:
            return passed_criteria >= self.minimum_passing_criteria
        return total_criteria > 0 and passed_criteria == total_criteria


def score_passes(score: int, passing_score: int) -> bool:
    """Whether a level of ``score`` meets a criterion of ``passing_score``: at least it. Written
    here once; a criterion asks it as ``RubricCriterion.passes``, a package's criterion (no row
    yet) through ``passing_score_problem``."""
    return score >= passing_score


@dataclass(frozen=True)
class PassingProblem:
    """Why a criterion's passing score cannot stand with its levels, in words. ``no_level_passes``:
    no reviewer could pass it, which saving refuses; a criterion that passes at every level is
    saved and stops publishing (a reviewer could not score it as not met)."""

    words: str
    no_level_passes: bool


def passing_score_problem(
    *, name: str, passing_score: int, levels: Iterable[tuple[int, str]]
) -> PassingProblem | None:
    """The one rule of a criterion's passing score against its levels, (score, label) pairs,
    whether rows or a package's: some level must pass and some must not. ``name`` is how the
    words name the criterion ("Criterion “Exit tickets”"). None when it can stand."""
    ordered = sorted(levels)
    if not ordered:
        return PassingProblem(f"{name} has no levels.", no_level_passes=True)
    failing = [level for level in ordered if not score_passes(level[0], passing_score)]
    if len(failing) == len(ordered):
        return PassingProblem(
            f"{name} needs a level scoring at least its passing score ({passing_score}): as it "
            "is, no reviewer can pass it.",
            no_level_passes=True,
        )
    if failing:
        return None
    (lowest, lowest_label), highest = ordered[0], ordered[-1][0]
    if len(ordered) == 1:
        return PassingProblem(
            f"{name} has one level, {lowest} “{lowest_label}”, and it passes: a reviewer "
            "cannot score it as not met. Add a lower level that does not pass.",
            no_level_passes=False,
        )
    above = ordered[1][0]
    fix = (
        f"set the passing score to {above}"
        if above == highest
        else f"set the passing score between {above} and {highest}"
    )
    return PassingProblem(
        f"{name} passes at every level: its passing score ({passing_score}) is not above its "
        f"lowest level, {lowest} “{lowest_label}”, so a reviewer cannot score it as not met. "
        f"To fix it, {fix}.",
        no_level_passes=False,
    )


class RubricCriterion(models.Model):
    class Component(models.TextChoices):
        OVERVIEW = "overview", "Overview"
        KNOWLEDGE = "knowledge", "Basis of Knowledge"
        IMPLEMENTATION = "implementation", "Implementation"
        IMPACT = "impact", "Impact"
        REFLECTION = "reflection", "Reflection"

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    evidence_type = models.ForeignKey(
        EvidenceType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    component = models.CharField(max_length=20, choices=Component.choices, blank=True)
    # A level passes when its score is at least this.
    passing_score = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def passes(self, score: int) -> bool:
        """Whether a reviewer's level of ``score`` meets this criterion (``score_passes``)."""
        return score_passes(score, self.passing_score)


class RubricLevel(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="unique_level_score")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score})"

    @property
    def is_passing(self) -> bool:
        # No query where the level was read through its criterion (prefetched, or
        # ``criterion.levels``): Django keeps the criterion on the level.
        return self.criterion.passes(self.score)
