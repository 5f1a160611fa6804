"""Reads for program rules and completion reports, always scoped to one district.

Every report is a fixed handful of aggregate queries, whatever the number of plans: counts,
groupings and percentiles are computed by the database.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Extract, TruncDate
from django.utils import timezone

from accounts.models import District, User
from credentials.models import MicroCredential
from submissions.models import Attempt, Submission

from .models import CreditRule, ExportJob, ProgramCycle, RenewalRule

S = Submission.Status
PASSED = S.EARNED
APPROVED_OR_LATER = [
    S.PLAN_APPROVED,
    S.IN_PROGRESS,
    S.SUBMITTED_FOR_REVIEW,
    S.NOT_YET,
    S.RESUBMITTED,
    S.EARNED,
]
# Work under way that can still become an earned micro-credential.
IN_PROGRESS_STATUSES = [
    S.PLAN_SUBMITTED,
    S.CHANGES_REQUESTED,
    S.PLAN_APPROVED,
    S.IN_PROGRESS,
    S.SUBMITTED_FOR_REVIEW,
    S.NOT_YET,
    S.RESUBMITTED,
]
OPEN_STATUSES = [S.DRAFT, *IN_PROGRESS_STATUSES]
STALL_DAYS = 30


# --- Filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """The filters every report accepts. Ids are already checked to belong to the district."""

    cycle: ProgramCycle | None = None
    building_id: int | None = None
    stack_id: int | None = None
    microcredential_lineage: str | None = None
    goal_id: int | None = None

    def as_query(self) -> dict[str, str]:
        pairs = {
            "cycle": self.cycle.pk if self.cycle else None,
            "building": self.building_id,
            "stack": self.stack_id,
            "microcredential": self.microcredential_lineage,
            "goal": self.goal_id,
        }
        return {k: str(v) for k, v in pairs.items() if v}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _scope(qs: QuerySet, filters: ReportFilters, *, prefix: str = "", date_field: str) -> QuerySet:
    """Apply the filters to ``qs``; ``prefix`` leads from its model to Submission."""
    if filters.building_id:
        qs = qs.filter(**{f"{prefix}educator__building_id": filters.building_id})
    if filters.stack_id:
        qs = qs.filter(**{f"{prefix}plan__microcredential__stack_id": filters.stack_id})
    if filters.microcredential_lineage:
        qs = qs.filter(
            **{f"{prefix}plan__microcredential__lineage": filters.microcredential_lineage}
        )
    if filters.goal_id:
        qs = qs.filter(**{f"{prefix}plan__district_goals": filters.goal_id})
    if filters.cycle:
        qs = qs.filter(
            **{
                f"{date_field}__gte": _day_start(filters.cycle.starts_on),
                f"{date_field}__lt": _day_start(filters.cycle.ends_on + dt.timedelta(days=1)),
            }
        )
    return qs


def submissions_in_scope(
    *, district: District, filters: ReportFilters, date_field: str = "created_at"
) -> QuerySet[Submission]:
    return _scope(
        Submission.objects.filter(district_id=district.pk), filters, date_field=date_field
    )


def filter_choices(*, district: District) -> dict[str, list]:
    """The options of the filter form: five small queries."""
    from accounts.models import Building, DistrictGoal
    from credentials.models import Stack

    latest_titles = (
        MicroCredential.objects.filter(district_id=district.pk)
        .exclude(status=MicroCredential.Status.DRAFT)
        .values("lineage")
        .annotate(title=Max("title"))
        .order_by("title")
    )
    return {
        "cycles": list(ProgramCycle.objects.filter(district_id=district.pk)),
        "buildings": list(
            Building.objects.filter(district_id=district.pk).values_list("pk", "name")
        ),
        "stacks": list(Stack.objects.filter(district_id=district.pk).values_list("pk", "name")),
        "microcredentials": [(str(r["lineage"]), r["title"]) for r in latest_titles],
        "goals": list(
            DistrictGoal.objects.filter(district_id=district.pk).values_list("pk", "title")
        ),
    }


# --- Funnel -------------------------------------------------------------------------------------


def funnel(*, district: District, filters: ReportFilters) -> dict:
    """Plans drafted → submitted → approved → submitted for review → earned, and the stalls."""
    qs = submissions_in_scope(district=district, filters=filters)
    counts = qs.aggregate(
        drafted=Count("id"),
        submitted=Count("id", filter=Q(plan_submitted_at__isnull=False)),
        approved=Count("id", filter=Q(status__in=APPROVED_OR_LATER)),
        for_review=Count("id", filter=Q(submitted_for_review_at__isnull=False)),
        earned=Count("id", filter=Q(status=S.EARNED)),
    )
    labels = [
        ("drafted", "Plans drafted"),
        ("submitted", "Plans submitted"),
        ("approved", "Plans approved"),
        ("for_review", "Submitted for review"),
        ("earned", "Earned"),
    ]
    stages = []
    previous = None
    for key, label in labels:
        value = counts[key]
        conversion = None if previous is None else _percent(value, previous)
        stages.append({"key": key, "label": label, "count": value, "conversion": conversion})
        previous = value
    stalled_before = timezone.now() - dt.timedelta(days=STALL_DAYS)
    by_status = {
        row["status"]: row
        for row in qs.filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(
            count=Count("id"),
            stalled=Count("id", filter=Q(status_changed_at__lt=stalled_before)),
        )
        .order_by()
    }
    stalls = [
        {
            "status": status,
            "label": S(status).label,
            "count": by_status.get(status, {}).get("count", 0),
            "stalled": by_status.get(status, {}).get("stalled", 0),
        }
        for status in OPEN_STATUSES
    ]
    return {"stages": stages, "stalls": stalls, "stall_days": STALL_DAYS}


def _percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return round(part * 100 / whole, 1)


# --- Completions and pass rates -----------------------------------------------------------------


def completions(*, district: District, filters: ReportFilters) -> dict:
    """Earned micro-credentials by building, by micro-credential, by stack and by district goal."""
    earned = submissions_in_scope(district=district, filters=filters, date_field="decided_at")
    earned = earned.filter(status=S.EARNED)
    by_building = list(
        earned.values(name=Coalesce("educator__building__name", Value("No building")))
        .annotate(count=Count("id"))
        .order_by("-count", "name")
    )
    by_microcredential = list(
        earned.values("plan__microcredential__lineage")
        .annotate(
            name=Max("plan__microcredential__title"),
            stack=Max("plan__microcredential__stack__name"),
            count=Count("id"),
        )
        .order_by("-count", "name")
    )
    by_stack = list(
        earned.values(name=Coalesce("plan__microcredential__stack__name", Value("No stack")))
        .annotate(count=Count("id"))
        .order_by("-count", "name")
    )
    by_goal = list(
        earned.values(name=Coalesce("plan__district_goals__title", Value("No district goal")))
        .annotate(count=Count("id", distinct=True))
        .order_by("-count", "name")
    )
    return {
        "by_building": by_building,
        "by_microcredential": by_microcredential,
        "by_stack": by_stack,
        "by_goal": by_goal,
        "pass_rates": pass_rates(district=district, filters=filters),
    }


def pass_rates(*, district: District, filters: ReportFilters) -> dict:
    """First-attempt pass rate, and the pass rate of those who resubmitted."""
    attempts = _scope(
        Attempt.objects.filter(
            submission__district_id=district.pk, decided_at__isnull=False
        ).exclude(outcome=""),
        filters,
        prefix="submission__",
        date_field="decided_at",
    )
    counts = attempts.aggregate(
        first_decided=Count("id", filter=Q(number=1)),
        first_passed=Count("id", filter=Q(number=1, outcome=PASSED)),
        resubmitted=Count("submission_id", filter=Q(number__gte=2), distinct=True),
        passed_after=Count("submission_id", filter=Q(number__gte=2, outcome=PASSED), distinct=True),
    )
    return {
        **counts,
        "first_rate": _percent(counts["first_passed"], counts["first_decided"]),
        "after_rate": _percent(counts["passed_after"], counts["resubmitted"]),
    }


# --- Turnaround ---------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(p) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=f"{float(fraction):.4f}", **extra)


def _days_between(end: str, start: str):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _duration_stats(qs: QuerySet, *, end: str, start: str) -> dict:
    """Median, 90th percentile and count of ``end - start`` in days, in one query."""
    qs = qs.filter(**{f"{end}__isnull": False, f"{start}__isnull": False})
    if connection.vendor == "postgresql":
        days = Extract(_days_between(end, start), "epoch") / Value(86400.0)
        row = qs.aggregate(
            median=PercentileCont(days, 0.5), p90=PercentileCont(days, 0.9), count=Count("id")
        )
        return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in row.items()}
    # SQLite (the embedded `make run` default) has no percentile_cont: one query, computed here.
    values = sorted(
        (e - s).total_seconds() / 86400 for e, s in qs.values_list(end, start).iterator()
    )
    if not values:
        return {"median": None, "p90": None, "count": 0}
    p90 = (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )
    return {
        "median": round(statistics.median(values), 1),
        "p90": round(p90, 1),
        "count": len(values),
    }


def turnaround(*, district: District, filters: ReportFilters) -> dict:
    """Days from plan submission to its decision, and from evidence submission to its outcome."""
    plans = submissions_in_scope(district=district, filters=filters, date_field="plan_decided_at")
    attempts = _scope(
        Attempt.objects.filter(submission__district_id=district.pk).exclude(outcome=""),
        filters,
        prefix="submission__",
        date_field="decided_at",
    )
    return {
        "plan": _duration_stats(plans, end="plan_decided_at", start="plan_submitted_at"),
        "review": _duration_stats(attempts, end="decided_at", start="submitted_at"),
        "target_days": district.review_turnaround_days,
    }


# --- Program rules ------------------------------------------------------------------------------


def cycles_for_district(*, district: District) -> QuerySet[ProgramCycle]:
    return ProgramCycle.objects.filter(district_id=district.pk)


def credit_rules_for_district(*, district: District) -> QuerySet[CreditRule]:
    return CreditRule.objects.filter(district_id=district.pk)


def renewal_rules_for_district(*, district: District) -> QuerySet[RenewalRule]:
    return RenewalRule.objects.filter(district_id=district.pk).select_related("first_cycle")


def _credit_rule_value(value_field: str, *, prefix: str = ""):
    """A subquery picking, for an earned submission, the value of the rule that applies."""
    lineage = OuterRef(f"{prefix}plan__microcredential__lineage")
    rigor = OuterRef(f"{prefix}plan__microcredential__rigor")
    rules = (
        CreditRule.objects.filter(
            district_id=OuterRef(f"{prefix}district_id"),
            effective_from__lte=OuterRef(f"{prefix}effective_on"),
            **{f"{value_field}__isnull": False},
        )
        .filter(
            Q(scope=CreditRule.Scope.MICROCREDENTIAL, microcredential_lineage=lineage)
            | Q(scope=CreditRule.Scope.RIGOR, rigor=rigor)
            | Q(scope=CreditRule.Scope.DISTRICT)
        )
        .annotate(
            specificity=Case(
                When(scope=CreditRule.Scope.MICROCREDENTIAL, then=Value(3)),
                When(scope=CreditRule.Scope.RIGOR, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-specificity", "-effective_from", "-id")
        .values(value_field)[:1]
    )
    return Subquery(rules, output_field=DecimalField(max_digits=8, decimal_places=2))


MONEY = DecimalField(max_digits=12, decimal_places=2)


def earned_with_credit(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """Annotate earned submissions with their salary credit, PD points and clock hours."""
    earned = qs.filter(status=S.EARNED, decided_at__isnull=False).annotate(
        effective_on=Cast(TruncDate("decided_at"), DateField())
    )
    return earned.annotate(
        salary=Coalesce(
            _credit_rule_value("salary_amount"), Value(Decimal("0")), output_field=MONEY
        ),
        points=Coalesce(
            _credit_rule_value("pd_points"),
            "plan__microcredential__pd_points",
            output_field=MONEY,
        ),
        hours=Coalesce(
            _credit_rule_value("clock_hours"),
            "plan__microcredential__estimated_hours",
            output_field=MONEY,
        ),
    )


def salary_ledger(*, district: District, filters: ReportFilters) -> QuerySet[Submission]:
    """HR's ledger: educator, award, amount, effective date (the award's decision date)."""
    qs = submissions_in_scope(district=district, filters=filters, date_field="decided_at")
    return (
        earned_with_credit(qs)
        .select_related("educator", "educator__building", "plan__microcredential")
        .order_by("-decided_at", "-id")
    )


def salary_totals(ledger: QuerySet[Submission]) -> dict:
    return ledger.order_by().aggregate(
        total_salary=Coalesce(Sum("salary"), Value(Decimal("0")), output_field=MONEY),
        total_points=Coalesce(Sum("points"), Value(Decimal("0")), output_field=MONEY),
        awards=Count("id"),
    )


# --- Re-licensure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalWindow:
    rule: RenewalRule
    starts_on: dt.date
    ends_on: dt.date
    cycles: list[ProgramCycle] = field(default_factory=list)

    @property
    def at_risk_from(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=self.rule.at_risk_days)


def current_renewal_window(
    *, district: District, today: dt.date | None = None
) -> RenewalWindow | None:
    """The window of the rule in force today: two queries (the rule, the cycles)."""
    today = today or timezone.localdate()
    rule = (
        RenewalRule.objects.filter(district_id=district.pk, effective_from__lte=today)
        .select_related("first_cycle")
        .order_by("-effective_from", "-id")
        .first()
    )
    if rule is None:
        return None
    cycles = list(
        ProgramCycle.objects.filter(
            district_id=district.pk, starts_on__gte=rule.first_cycle.starts_on
        ).order_by("starts_on", "id")
    )
    return renewal_window_for(rule=rule, cycles=cycles, today=today)


def renewal_window_for(
    *, rule: RenewalRule, cycles: list[ProgramCycle], today: dt.date
) -> RenewalWindow | None:
    """Windows are consecutive runs of ``window_cycles`` cycles; pick the one holding ``today``
    (or the next to open, or else the last one)."""
    chunks = [cycles[i : i + rule.window_cycles] for i in range(0, len(cycles), rule.window_cycles)]
    windows = [
        RenewalWindow(rule=rule, starts_on=c[0].starts_on, ends_on=c[-1].ends_on, cycles=c)
        for c in chunks
        if c
    ]
    for window in windows:
        if today <= window.ends_on:
            return window
    return windows[-1] if windows else None


RENEWAL_MET = "met"
RENEWAL_ON_TRACK = "on_track"
RENEWAL_AT_RISK = "at_risk"
RENEWAL_LABELS = {
    RENEWAL_MET: "Met",
    RENEWAL_ON_TRACK: "On track",
    RENEWAL_AT_RISK: "At risk",
}


def _educators_with_renewal(
    *, district: District, window: RenewalWindow, filters: ReportFilters, today: dt.date
) -> QuerySet[User]:
    earned_in_window = (
        Submission.objects.filter(
            educator_id=OuterRef("pk"),
            status=S.EARNED,
            decided_at__gte=_day_start(window.starts_on),
            decided_at__lt=_day_start(window.ends_on + dt.timedelta(days=1)),
        )
        .order_by()
        .values("educator_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    in_progress = (
        Submission.objects.filter(educator_id=OuterRef("pk"), status__in=IN_PROGRESS_STATUSES)
        .order_by()
        .values("educator_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    people = User.objects.filter(district_id=district.pk, is_educator=True, is_active=True)
    if filters.building_id:
        people = people.filter(building_id=filters.building_id)
    required = window.rule.required_count
    closing = today >= window.at_risk_from
    return people.annotate(
        earned_count=Coalesce(Subquery(earned_in_window, output_field=IntegerField()), 0),
        in_progress_count=Coalesce(Subquery(in_progress, output_field=IntegerField()), 0),
    ).annotate(
        renewal=Case(
            When(earned_count__gte=required, then=Value(RENEWAL_MET)),
            When(
                Q(earned_count__lt=required - F("in_progress_count")) if closing else Q(pk=None),
                then=Value(RENEWAL_AT_RISK),
            ),
            default=Value(RENEWAL_ON_TRACK),
            output_field=CharField(),
        )
    )


def relicensure(
    *, district: District, filters: ReportFilters, today: dt.date | None = None
) -> dict:
    """Educators met / on track / at risk in the current window, and the query of the list."""
    today = today or timezone.localdate()
    window = current_renewal_window(district=district, today=today)
    if window is None:
        return {"window": None, "counts": {}, "people": User.objects.none()}
    people = _educators_with_renewal(district=district, window=window, filters=filters, today=today)
    counts = {
        row["renewal"]: row["count"]
        for row in people.values("renewal").annotate(count=Count("id")).order_by()
    }
    return {
        "window": window,
        "counts": [
            {"key": key, "label": label, "count": counts.get(key, 0)}
            for key, label in RENEWAL_LABELS.items()
        ],
        "people": people.select_related("building").order_by(
            Case(
                When(renewal=RENEWAL_AT_RISK, then=Value(0)),
                When(renewal=RENEWAL_ON_TRACK, then=Value(1)),
                default=Value(2),
            ),
            "last_name",
            "first_name",
            "id",
        ),
    }


# --- An educator's own progress -----------------------------------------------------------------


def educator_progress(*, user: User, today: dt.date | None = None) -> dict:
    """Where one educator stands: renewal window, salary credit and PD points earned."""
    today = today or timezone.localdate()
    district = user.district
    window = current_renewal_window(district=district, today=today)
    earned = earned_with_credit(Submission.objects.filter(district_id=district.pk, educator=user))
    totals = earned.order_by().aggregate(
        total_salary=Coalesce(Sum("salary"), Value(Decimal("0")), output_field=MONEY),
        total_points=Coalesce(Sum("points"), Value(Decimal("0")), output_field=MONEY),
        total_hours=Coalesce(Sum("hours"), Value(Decimal("0")), output_field=MONEY),
        awards=Count("id"),
        in_window=Count(
            "id",
            filter=Q(
                decided_at__gte=_day_start(window.starts_on),
                decided_at__lt=_day_start(window.ends_on + dt.timedelta(days=1)),
            )
            if window
            else Q(pk=None),
        ),
    )
    current_cycle = (
        ProgramCycle.objects.filter(
            district_id=district.pk, starts_on__lte=today, ends_on__gte=today
        )
        .order_by("starts_on")
        .first()
    )
    renewal = None
    if window is not None:
        required = window.rule.required_count
        renewal = {
            "name": window.rule.name,
            "required": required,
            "earned": min(totals["in_window"], required),
            "earned_total": totals["in_window"],
            "met": totals["in_window"] >= required,
            "starts_on": window.starts_on,
            "ends_on": window.ends_on,
            "closed": window.ends_on < today,
            "percent": min(100, int(totals["in_window"] * 100 / required)),
        }
    return {
        "renewal": renewal,
        "salary_total": totals["total_salary"],
        "pd_points": totals["total_points"],
        "clock_hours": totals["total_hours"],
        "awards": totals["awards"],
        "current_cycle": current_cycle,
    }


# --- Exports ------------------------------------------------------------------------------------


def export_job_for_user(*, user: User, job_uuid) -> ExportJob:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ExportJob, uuid=job_uuid, district_id=user.district_id)


def recent_export_jobs(*, user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(district_id=user.district_id).order_by("-created_at")[:10]
