"""A district's program: its cycles (semesters with deadlines) and its rules, what earning a
micro-credential counts for (credit) and what re-licensure asks (renewal).

Rules are effective-dated: a rule applies to awards decided on or after its ``effective_from``;
when several apply, the most specific wins (one micro-credential, then a level of rigor, then the
whole district), and among equals the latest start date.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format

from accounts.models import District, State


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

    @property
    def dates(self) -> str:
        """Its first and last day, as the pages write them."""
        return f"{date_format(self.starts_on)} – {date_format(self.ends_on)}"

    def overlaps(self, other: "ProgramCycle") -> bool:
        """Whether the two cycles share a day (first and last days included). A district's
        cycles never do: a day, and the award decided on it, belongs to one cycle at most
        (``programs.selectors.cycle_holding``); ``clean`` refuses a cycle that would."""
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on

    def overlapping(self) -> "ProgramCycle | None":
        """The first of the district's other cycles sharing a day with this one (``overlaps``,
        in SQL)."""
        return self._sharing_days().first()

    def _sharing_days(self):
        return (
            ProgramCycle.objects.filter(
                district_id=self.district_id,
                starts_on__lte=self.ends_on,
                ends_on__gte=self.starts_on,
            )
            .exclude(pk=self.pk)
            .order_by("starts_on", "id")
        )

    def clean(self) -> None:
        """Refuse dates shared with another cycle of the district, naming it and its dates, on
        the date to change: the last day when this cycle runs into a later one, else the first.
        Read by the cycle form (a ModelForm cleans its instance) and by ``program_rule_save``
        (``full_clean``), so an admin and any other caller meet the same rule.

        A cycle stored sharing days with another (before cycles were checked) can still be
        edited, its name or deadlines, or its dates to share fewer days: only a day it did not
        share before is refused. The cycles page warns of what is still shared
        (``selectors.overlapping_cycles``)."""
        if not (self.starts_on and self.ends_on and self.district_id):
            return
        if self.ends_on < self.starts_on:
            return  # the form, and the constraint, say so
        stored = (
            ProgramCycle.objects.filter(pk=self.pk).values_list("starts_on", "ends_on").first()
            if self.pk
            else None
        )
        other = next(
            (other for other in self._sharing_days() if not _shared_before(self, other, stored)),
            None,
        )
        if other is None:
            return
        if other.starts_on > self.starts_on:
            field = "ends_on"
            fix = f"end this one by {date_format(other.starts_on - dt.timedelta(days=1))}"
        else:
            field = "starts_on"
            fix = f"start this one on {date_format(other.ends_on + dt.timedelta(days=1))} or later"
        raise ValidationError(
            {
                field: (
                    f"{other.name} runs {other.dates}, and two cycles may not share a day: "
                    f"{fix}, or change the dates of {other.name} first."
                )
            }
        )


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


def _plural(value: int | Decimal) -> str:
    return "" if value == 1 else "s"


def renewal_terms(
    *, required_count: int, required_points: Decimal | None, window_cycles: int
) -> str:
    """What a renewal rule asks, in words: "2 micro-credentials and 10 PD points within 3
    cycles" (every page that shows a rule or the rule in force says it this way)."""
    asked = []
    if required_count:
        asked.append(f"{required_count} micro-credential{_plural(required_count)}")
    if required_points is not None:
        asked.append(f"{required_points.normalize():f} PD point{_plural(required_points)}")
    return f"{' and '.join(asked)} within {window_cycles} cycle{_plural(window_cycles)}"


def _renewal_rule_asks_something(prefix: str) -> list[models.CheckConstraint]:
    """A rule asks for micro-credentials, PD points or both, within at least one cycle."""
    return [
        models.CheckConstraint(
            condition=models.Q(window_cycles__gte=1), name=f"{prefix}_window_positive"
        ),
        models.CheckConstraint(
            condition=models.Q(required_points__isnull=True) | models.Q(required_points__gt=0),
            name=f"{prefix}_points_positive",
        ),
        models.CheckConstraint(
            condition=models.Q(required_count__gte=1) | models.Q(required_points__isnull=False),
            name=f"{prefix}_requires_count_or_points",
        ),
    ]


class RenewalTerms(models.Model):
    """What a re-licensure rule asks, the district's or the state's: ``required_count``
    micro-credentials, ``required_points`` PD points, or both (a count of 0 asks for points
    alone), within ``window_cycles`` cycles; at risk ``at_risk_days`` before the window closes.
    Changing a rule adds a row; the latest one in force applies."""

    required_count = models.PositiveSmallIntegerField(default=2)
    required_points = models.DecimalField(
        "PD points required", max_digits=6, decimal_places=1, null=True, blank=True
    )
    window_cycles = models.PositiveSmallIntegerField(default=3)
    effective_from = models.DateField()
    at_risk_days = models.PositiveSmallIntegerField(default=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.requires}"

    @property
    def requires(self) -> str:
        return renewal_terms(
            required_count=self.required_count,
            required_points=self.required_points,
            window_cycles=self.window_cycles,
        )


class RenewalRule(RenewalTerms):
    """A district's re-licensure rule (``RenewalTerms``). Windows are consecutive runs of
    cycles starting at ``first_cycle`` (Kansas pilot: 2 within 3 semesters). An educator is at
    risk when the window closes within ``at_risk_days`` and what they have earned plus what they
    have in progress falls short.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="renewal_rules")
    name = models.CharField(max_length=120, default="License renewal")
    first_cycle = models.ForeignKey(ProgramCycle, on_delete=models.PROTECT, related_name="+")

    class Meta(RenewalTerms.Meta):
        constraints = _renewal_rule_asks_something("renewal_rule")


class StateRenewalRule(RenewalTerms):
    """The state's re-licensure rule (``RenewalTerms``), for every educator of the state's
    districts, counted in their district's cycles. A district's own rule may ask more, never
    less: the rule in force is the stricter of the two on each term
    (``programs.selectors.renewal_rule_in_force``)."""

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="renewal_rules")
    name = models.CharField(max_length=120, default="State license renewal")

    class Meta(RenewalTerms.Meta):
        constraints = _renewal_rule_asks_something("state_renewal_rule")


def _shared_before(cycle: ProgramCycle, other: ProgramCycle, stored) -> bool:
    """Whether every day ``cycle`` shares with ``other`` was shared already by its ``stored``
    dates (first day, last day; None for a new cycle)."""
    if stored is None:
        return False
    first, last = max(cycle.starts_on, other.starts_on), min(cycle.ends_on, other.ends_on)
    before_first, before_last = max(stored[0], other.starts_on), min(stored[1], other.ends_on)
    return before_first <= before_last and before_first <= first and last <= before_last
