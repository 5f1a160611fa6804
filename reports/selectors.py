"""Reads for completion reports, always scoped to one district.

Every report is a fixed handful of aggregate queries, whatever the number of plans: counts,
groupings and percentiles are computed by the database. Their results are cached under the
district's report stamp (``reports.stamps``), which the database changes on every change to
what they read: a page costs its aggregates once per change, not once per view.
"""

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from types import EllipsisType
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Extract, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from accounts.models import Building, District, Role, User, holds_role, person_name
from badges.models import Award, award_counts_q
from badges.selectors import awarded_in_state_q, with_counting_award
from credentials.models import MicroCredential
from credentials.selectors import lineage_choices
from microcreds.prepared import AnyOf, PreparedQuery
from people import selectors as people_selectors
from programs.models import CreditRule, ProgramCycle
from programs.selectors import (
    RenewalWindow,
    current_renewal_window,
    cycle_holding,
    cycles_in_order,
    day_start,
    outside_cycles_parts_q,
    outside_cycles_q,
    renewal_reached_q,
    renewal_rules_in_force,
    renewal_schedule,
    renewal_window_for,
    within_cycle_q,
    within_days_q,
)
from reviews import selectors as reviews_selectors
from submissions.models import Attempt, Submission

from .models import ExportJob, SalaryAcceptance
from .stamps import current_stamp, current_stamps, current_state_stamp

SubmissionStatus = Submission.Status
PASSED = SubmissionStatus.EARNED
APPROVED_OR_LATER = [
    SubmissionStatus.PLAN_APPROVED,
    SubmissionStatus.IN_PROGRESS,
    SubmissionStatus.SUBMITTED_FOR_REVIEW,
    SubmissionStatus.NOT_YET,
    SubmissionStatus.RESUBMITTED,
    SubmissionStatus.EARNED,
]
# Work under way that can still become an earned micro-credential.
IN_PROGRESS_STATUSES = [
    SubmissionStatus.PLAN_SUBMITTED,
    SubmissionStatus.CHANGES_REQUESTED,
    SubmissionStatus.PLAN_APPROVED,
    SubmissionStatus.IN_PROGRESS,
    SubmissionStatus.SUBMITTED_FOR_REVIEW,
    SubmissionStatus.NOT_YET,
    SubmissionStatus.RESUBMITTED,
]
OPEN_STATUSES = [SubmissionStatus.DRAFT, *IN_PROGRESS_STATUSES]
STALL_DAYS = 30
PEOPLE_ORDER = ("last_name", "first_name", "id")
# Cached figures are filed under the stamp and the day: a day old at most, whatever happens.
CACHE_SECONDS = 24 * 60 * 60


# --- Filters ------------------------------------------------------------------------------------


# The cycle filter's value for what falls outside every cycle of the district.
OUTSIDE_CYCLES = "outside"


@dataclass(frozen=True)
class ReportFilters:
    """The filters every report accepts. Ids are already checked to belong to the district."""

    cycle: ProgramCycle | None = None
    building_id: int | None = None
    stack_id: int | None = None
    microcredential_lineage: str | None = None
    goal_id: int | None = None
    # "Outside any cycle": what falls on no day of these, the district's cycles (none chosen
    # when the district has none: then nothing is outside a cycle, and nothing is filtered).
    outside_cycles: tuple[ProgramCycle, ...] = ()

    def as_query(self) -> dict[str, str]:
        cycle = self.cycle.pk if self.cycle else None
        pairs = {
            "cycle": OUTSIDE_CYCLES if self.outside_cycles else cycle,
            "building": self.building_id,
            "stack": self.stack_id,
            "microcredential": self.microcredential_lineage,
            "goal": self.goal_id,
        }
        return {k: str(v) for k, v in pairs.items() if v}

    def outside_every_cycle(self, cycles: list[ProgramCycle]) -> "ReportFilters":
        """The same filters, asking for what falls outside every one of ``cycles`` instead of
        within one."""
        return replace(self, cycle=None, outside_cycles=tuple(cycles))


def _awards_counted_at(today: dt.date) -> dt.datetime:
    """The moment a report holds awards to: the start of its day. Figures are the day's (and
    cached for the day), so an award that expires during the day counts until the day ends;
    a revocation moves the report stamp and shows at once."""
    return day_start(today)


def _catalog_q(filters: ReportFilters, *, prefix: str = "") -> Q:
    """The submissions the stack, micro-credential and goal filters keep; ``prefix`` leads
    from the queried model to Submission."""
    condition = Q()
    if filters.stack_id:
        condition &= Q(**{f"{prefix}plan__microcredential__stack_id": filters.stack_id})
    if filters.microcredential_lineage:
        condition &= Q(
            **{f"{prefix}plan__microcredential__lineage": filters.microcredential_lineage}
        )
    if filters.goal_id:
        # A plan names a goal at most once: the join adds no duplicate rows.
        condition &= Q(**{f"{prefix}plan__district_goals": filters.goal_id})
    return condition


def _scope_q(filters: ReportFilters, *, prefix: str = "", date_field: str) -> Q:
    """The filters as one condition; ``prefix`` leads from the queried model to Submission,
    ``date_field`` is the moment the cycle filter holds to a cycle."""
    condition = _catalog_q(filters, prefix=prefix)
    if filters.building_id:
        condition &= Q(**{f"{prefix}educator__building_id": filters.building_id})
    if filters.cycle:
        condition &= within_cycle_q(date_field, filters.cycle)
    elif filters.outside_cycles:
        condition &= outside_cycles_q(date_field, list(filters.outside_cycles))
    return condition


def _scope(qs: QuerySet, filters: ReportFilters, *, prefix: str = "", date_field: str) -> QuerySet:
    """Apply the filters to ``qs``; ``prefix`` leads from its model to Submission."""
    return qs.filter(_scope_q(filters, prefix=prefix, date_field=date_field))


def review_assignments_within(filters: ReportFilters) -> Callable[[str], Q]:
    """The reviews the panel report counts with ``filters`` (``reviews.selectors.Within``):
    those of the submissions the filters keep, a cycle holding the review to the days it was
    assigned."""
    return lambda prefix: _scope_q(
        filters, prefix=f"{prefix}submission__", date_field=f"{prefix}assigned_at"
    )


def submissions_in_scope(
    *, district: District, filters: ReportFilters, date_field: str = "created_at"
) -> QuerySet[Submission]:
    return _scope(
        Submission.objects.filter(district_id=district.pk), filters, date_field=date_field
    )


def _cache_key(figure: str, *, district_id: int, stamp: int, today: dt.date, key: str) -> str:
    return f"reports:{figure}:{district_id}:{stamp}:{today.isoformat()}:{key}"


def _filters_key(filters: ReportFilters) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(filters.as_query().items()))


def _cached(
    report: str,
    *,
    district: District,
    filters: ReportFilters,
    today: dt.date,
    compute,
    holds=None,
    across_state: bool = False,
    stamp: int | None | EllipsisType = ...,
):
    """``compute()``, or its result for the same district stamp, filters and day (``stamp``:
    as ``_stamped``)."""
    return _stamped(
        report,
        district_id=district.pk,
        today=today,
        key=_filters_key(filters),
        compute=compute,
        holds=holds,
        state_id=district.state_id if across_state else None,
        stamp=stamp,
    )


def _stamped(
    figure: str,
    *,
    district_id: int,
    today: dt.date,
    key: str,
    compute,
    holds=None,
    state_id: int | None = None,
    stamp: int | None | EllipsisType = ...,
):
    """``compute()``, or its result for the same district stamp, day and ``key``; ``holds``
    (figures → bool), when given, says whether figures read from the cache are still true.
    With ``state_id``, the figures read every district of the state: they are filed under the
    state's stamp (``stamps.current_state_stamp``). ``stamp``, when given, is that stamp as
    read already in this request (``_report_stamp``), for figures read with others under it.

    Computed afresh where there is no stamp to trust (SQLite, or a transaction that has
    written and not yet committed)."""
    if stamp is ...:
        stamp = _report_stamp(district_id=district_id, state_id=state_id)
    if stamp is None:
        return compute()
    cache_key = _cache_key(figure, district_id=district_id, stamp=stamp, today=today, key=key)
    figures = cache.get(cache_key)
    if figures is None or (holds is not None and not holds(figures)):
        figures = compute()
        cache.set(cache_key, figures, CACHE_SECONDS)
    return figures


def _report_stamp(*, district_id: int, state_id: int | None) -> int | None:
    """The stamp figures are filed under: the state's with ``state_id``, else the district's."""
    if state_id is not None:
        return current_state_stamp(state_id=state_id)
    return current_stamp(district_id=district_id)


def report_stamp(*, district: District, across_state: bool = False) -> int | None:
    """The stamp a page's figures are filed under, read once for the page and handed to each
    of its selectors (``stamp=``): the district's, or with ``across_state`` its state's (for
    figures that read every district of the state). None as ``stamps.current_stamp``."""
    return _report_stamp(
        district_id=district.pk, state_id=district.state_id if across_state else None
    )


def filter_choices(
    *, district: District, stamp: int | None | EllipsisType = ..., across_state: bool = False
) -> dict[str, list]:
    """The options of the filter form, cached under the report stamp (cycles, buildings, stacks,
    the catalog and the goals all move it): a query for the stamp, or five small ones. With
    ``across_state``, under the state's stamp (which moves whenever the district's does), as
    read already for a page whose figures are filed under it (``report_stamp``)."""
    by_state = across_state and district.state_id is not None
    return _cached(
        "filter-choices-by-state" if by_state else "filter-choices",
        district=district,
        filters=ReportFilters(),
        today=timezone.localdate(),
        compute=lambda: _filter_choices(district=district),
        across_state=by_state,
        stamp=stamp,
    )


def _filter_choices(*, district: District) -> dict[str, list]:
    from accounts.models import Building, DistrictGoal
    from credentials.models import Stack

    return {
        "cycles": list(ProgramCycle.objects.filter(district_id=district.pk)),
        "buildings": list(
            Building.objects.filter(district_id=district.pk).values_list("pk", "name")
        ),
        "stacks": list(Stack.objects.filter(district_id=district.pk).values_list("pk", "name")),
        "microcredentials": lineage_choices(district=district),
        "goals": list(
            DistrictGoal.objects.filter(district_id=district.pk).values_list("pk", "title")
        ),
    }


# --- Funnel -------------------------------------------------------------------------------------


def funnel(
    *,
    district: District,
    filters: ReportFilters,
    today: dt.date | None = None,
    stamp: int | None | EllipsisType = ...,
) -> dict:
    """Plans drafted → submitted → approved → submitted for review → earned, and the stalls:
    open plans whose status last changed ``STALL_DAYS`` or more days before ``today``.
    ``stamp``: the district's report stamp as read already for the page (``report_stamp``)."""
    today = today or timezone.localdate()
    return _cached(
        "funnel",
        district=district,
        filters=filters,
        today=today,
        compute=lambda: _funnel(district=district, filters=filters, today=today),
        stamp=stamp,
    )


_FUNNEL_COUNTS = {
    "drafted": Count("id"),
    "submitted": Count("id", filter=Q(plan_submitted_at__isnull=False)),
    "approved": Count("id", filter=Q(status__in=APPROVED_OR_LATER)),
    "for_review": Count("id", filter=Q(submitted_for_review_at__isnull=False)),
    "earned": Count("id", filter=Q(status=SubmissionStatus.EARNED)),
}
_FUNNEL_LABELS = [
    ("drafted", "Plans drafted"),
    ("submitted", "Plans submitted"),
    ("approved", "Plans approved"),
    ("for_review", "Submitted for review"),
    ("earned", "Earned"),
]


def _funnel_stages(counts: dict) -> list[dict]:
    """The funnel's stages from its counts (``_FUNNEL_COUNTS``), each with its conversion."""
    stages = []
    previous = None
    for key, label in _FUNNEL_LABELS:
        value = counts[key]
        conversion = None if previous is None else _percent(value, previous)
        stages.append({"key": key, "label": label, "count": value, "conversion": conversion})
        previous = value
    return stages


def _funnel(*, district: District, filters: ReportFilters, today: dt.date) -> dict:
    qs = submissions_in_scope(district=district, filters=filters)
    stages = _funnel_stages(qs.aggregate(**_FUNNEL_COUNTS))
    stalled_before = day_start(today - dt.timedelta(days=STALL_DAYS - 1))
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
            "label": SubmissionStatus(status).label,
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


def completions(
    *, district: District, filters: ReportFilters, stamp: int | None | EllipsisType = ...
) -> dict:
    """Micro-credentials earned and held (their award counts) by building, by micro-credential,
    by stack and by district goal, with the pass rates of the panels' decisions. ``stamp``:
    the district's report stamp as read already for the page (``report_stamp``)."""
    today = timezone.localdate()
    return _cached(
        "completions",
        district=district,
        filters=filters,
        today=today,
        compute=lambda: _completions(district=district, filters=filters, today=today),
        stamp=stamp,
    )


def _completions(*, district: District, filters: ReportFilters, today: dt.date) -> dict:
    earned = _earned(district=district, filters=filters, today=today)
    # Building × micro-credential in one GROUP BY over ids (no wide joins); the few hundred
    # groups are summed up each way with the names of two small lookups.
    groups = earned.values("educator__building_id", "plan__microcredential_id").annotate(
        count=Count("id")
    )
    building_names = dict(
        Building.objects.filter(district_id=district.pk).values_list("pk", "name")
    )
    catalog = {
        row["pk"]: row
        for row in MicroCredential.objects.filter(district_id=district.pk).values(
            "pk", "lineage", "title", stack_name=F("stack__name")
        )
    }
    buildings: dict[str, int] = defaultdict(int)
    stacks: dict[str, int] = defaultdict(int)
    credentials: dict = {}
    for group in groups.order_by():
        entry_of = catalog[group["plan__microcredential_id"]]
        building = building_names.get(group["educator__building_id"], "No building")
        buildings[building] += group["count"]
        stacks[entry_of["stack_name"] or "No stack"] += group["count"]
        entry = credentials.setdefault(
            entry_of["lineage"],
            {"name": entry_of["title"], "stack": entry_of["stack_name"], "count": 0},
        )
        entry["count"] += group["count"]
        entry["name"] = max(entry["name"], entry_of["title"])
    by_building = _ranked({"name": k, "count": v} for k, v in buildings.items())
    by_stack = _ranked({"name": k, "count": v} for k, v in stacks.items())
    by_microcredential = _ranked(
        {"plan__microcredential__lineage": k, **v} for k, v in credentials.items()
    )
    by_goal = list(
        earned.values(name=Coalesce("plan__district_goals__title", Value("No district goal")))
        # A plan names a goal at most once: no DISTINCT needed.
        .annotate(count=Count("id"))
        .order_by("-count", "name")
    )
    return {
        "by_building": by_building,
        "by_microcredential": by_microcredential,
        "by_stack": by_stack,
        "by_goal": by_goal,
        "pass_rates": pass_rates(district=district, filters=filters),
    }


def _outside_cycles_counts(qs: QuerySet, filters: ReportFilters) -> dict[str, int]:
    """Of ``qs`` (a report's awards with ``filters``, ``ReportFilters.outside_every_cycle``),
    how many were decided in each part of the days no cycle holds (``OUTSIDE_CYCLES_PARTS``:
    between cycles, before the first, after the last): one query."""
    parts = outside_cycles_parts_q("decided_at", list(filters.outside_cycles))
    return qs.order_by().aggregate(
        **{part: Count("id", filter=condition) for part, condition in parts.items()}
    )


def earned_outside_cycles(
    *, district: District, filters: ReportFilters, stamp: int | None | EllipsisType = ...
) -> dict[str, int]:
    """How many micro-credentials the completions report counts (earned, the award still
    counting) with ``filters`` outside every cycle (``ReportFilters.outside_every_cycle``), by
    where they fall (``_outside_cycles_counts``). Cached as the completions are."""
    today = timezone.localdate()
    return _cached(
        "earned-outside-cycles",
        district=district,
        filters=filters,
        today=today,
        compute=lambda: _outside_cycles_counts(
            _earned(district=district, filters=filters, today=today), filters
        ),
        stamp=stamp,
    )


def _earned(*, district: District, filters: ReportFilters, today: dt.date) -> QuerySet:
    """What the completions report counts: earned with ``filters``, the award still counting."""
    return with_counting_award(
        submissions_in_scope(district=district, filters=filters, date_field="decided_at"),
        at=_awards_counted_at(today),
    )


def _ranked(rows) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["count"], r["name"]))


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
    return _pass_rates(attempts.aggregate(**_PASS_COUNTS))


_PASS_COUNTS = {
    "first_decided": Count("id", filter=Q(number=1)),
    "first_passed": Count("id", filter=Q(number=1, outcome=PASSED)),
    "resubmitted": Count("submission_id", filter=Q(number__gte=2), distinct=True),
    "passed_after": Count("submission_id", filter=Q(number__gte=2, outcome=PASSED), distinct=True),
}


def _pass_rates(counts: dict) -> dict:
    return {
        **{key: counts[key] for key in _PASS_COUNTS},
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


def turnaround(
    *, district: District, filters: ReportFilters, stamp: int | None | EllipsisType = ...
) -> dict:
    """Days from plan submission to its decision, and from evidence submission to its outcome,
    next to the district's target. ``stamp``: the district's report stamp as read already for
    the page (``report_stamp``)."""
    durations = _cached(
        "turnaround",
        district=district,
        filters=filters,
        today=timezone.localdate(),
        compute=lambda: _turnaround(district=district, filters=filters),
        stamp=stamp,
    )
    return {**durations, "target_days": district.review_turnaround_days}


def _turnaround(*, district: District, filters: ReportFilters) -> dict:
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
    }


def _specificity(rule: CreditRule) -> int:
    return {CreditRule.Scope.MICROCREDENTIAL: 3, CreditRule.Scope.RIGOR: 2}.get(rule.scope, 1)


def _credit_value(
    rules: list[CreditRule],
    value_field: str,
    fallback,
    *,
    prefix: str = "",
    effective_on=None,
    district_field: str | None = None,
):
    """A CASE picking, for an earned submission, the value of the rule that applies.

    The district's rules are few: they become the WHEN branches, most specific and latest
    first, so the database evaluates one expression per row instead of a subquery. ``prefix``
    leads from the queried model to the submission, whose date of effect is ``effective_on``
    (the ``effective_on`` annotation of ``with_credit`` by default). With ``district_field``
    the rules are of several districts, each applying where that field names its district.
    """
    effective_on = F("effective_on") if effective_on is None else effective_on
    applicable = sorted(
        (r for r in rules if getattr(r, value_field) is not None),
        key=lambda r: (-_specificity(r), -r.effective_from.toordinal(), -r.pk),
    )
    whens = []
    for rule in applicable:
        condition = Q(GreaterThanOrEqual(effective_on, Value(rule.effective_from)))
        if district_field:
            condition &= Q(**{district_field: rule.district_id})
        if rule.scope == CreditRule.Scope.MICROCREDENTIAL:
            condition &= Q(
                **{f"{prefix}plan__microcredential__lineage": rule.microcredential_lineage}
            )
        elif rule.scope == CreditRule.Scope.RIGOR:
            condition &= Q(**{f"{prefix}plan__microcredential__rigor": rule.rigor})
        whens.append(When(condition, then=Value(getattr(rule, value_field))))
    if not whens:
        return Cast(fallback, MONEY)
    return Case(*whens, default=fallback, output_field=MONEY)


MONEY = DecimalField(max_digits=12, decimal_places=2)


def _effective_on(prefix: str = ""):
    """The day an award takes effect for its credit: a renewal is credited as the earning it
    keeps current (``first_earned_at``), not anew."""
    return Cast(TruncDate(Coalesce(f"{prefix}first_earned_at", f"{prefix}decided_at")), DateField())


def pd_points_worth(
    rules: list[CreditRule], *, prefix: str = "", effective_on=None, district_field=None
):
    """What PD points a submission's award is worth under credit ``rules``: the rule that
    applies, else the catalog entry's points. The one rule of an award's PD points, read by the
    ledger, the progress card and re-licensure (see ``_credit_value`` for the arguments)."""
    return _credit_value(
        rules,
        "pd_points",
        F(f"{prefix}plan__microcredential__pd_points"),
        prefix=prefix,
        effective_on=effective_on,
        district_field=district_field,
    )


def with_credit(qs: QuerySet[Submission], *, district: District) -> QuerySet[Submission]:
    """The submissions of ``qs`` with the salary credit, PD points and clock hours their award
    is worth under the district's rules, whether it counts or not (one query for the rules;
    the values are computed by the database). A renewal is worth what the earning it renews
    was worth, under the rules of that earning's date: it is the same credit, kept current
    (and only one of the two counts at a time: ``award_counts_q``)."""
    rules = list(CreditRule.objects.filter(district_id=district.pk))
    return qs.annotate(effective_on=_effective_on()).annotate(
        salary=_credit_value(rules, "salary_amount", Value(Decimal("0"))),
        points=pd_points_worth(rules),
        hours=_credit_value(rules, "clock_hours", F("plan__microcredential__estimated_hours")),
    )


def earned_with_credit(
    qs: QuerySet[Submission], *, district: District, today: dt.date | None = None
) -> QuerySet[Submission]:
    """The submissions of ``qs`` whose award counts (``today``), with their credit
    (``with_credit``)."""
    counted_at = _awards_counted_at(today or timezone.localdate())
    return with_credit(with_counting_award(qs, at=counted_at), district=district)


def paid_by_district_q(*, district: District, prefix: str = "") -> Q:
    """The earned submissions whose salary credit ``district`` agreed to pay: the ones it
    decided, and those earned elsewhere in its state that it accepted (a ``SalaryAcceptance``,
    recorded while it accepts state awards for its salary rule, and kept for good). The one
    rule of the ledger, its totals and export, the HR API's ledger and the educator's progress
    card."""
    accepted = (
        SalaryAcceptance.objects.filter(district_id=district.pk).order_by().values("submission_id")
    )
    return Q(**{f"{prefix}district_id": district.pk}) | Q(
        _AmongIds(F(f"{prefix}pk"), Subquery(accepted))
    )


class _AmongIds(Func):
    """``field = ANY(ARRAY(subquery))``: the subquery runs once, and its ids are an index
    condition, so ``district_id = … OR id = ANY(…)`` is two index scans (a BitmapOr); the same
    with ``id IN (subquery)`` scans the whole submission table."""

    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()
    conditional = True

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, arg_joiner=" IN ", template="%(expressions)s", **extra_context
        )


def salary_across_state(*, district: District) -> bool:
    """Whether the district's salary figures read awards of other districts of its state
    (whose revocation moves their district's stamp, not this one's)."""
    return district.state_id is not None and (
        district.accept_state_awards_for_salary
        or SalaryAcceptance.objects.filter(district_id=district.pk).exists()
    )


def _salary_scope(*, district: District, filters: ReportFilters) -> QuerySet[Submission]:
    # A district outside a state, or one that accepted nothing, pays what it decided: that
    # condition alone lets PostgreSQL walk the district's index in the ledger's order instead of
    # sorting every row the OR of ``paid_by_district_q`` finds (2.3x slower at 50,000 plans).
    pays_only_its_own = (
        district.state_id is None
        or not SalaryAcceptance.objects.filter(district_id=district.pk).exists()
    )
    paid = (
        Q(district_id=district.pk) if pays_only_its_own else paid_by_district_q(district=district)
    )
    return _scope(Submission.objects.filter(paid), filters, date_field="decided_at")


def salary_ledger(
    *, district: District, filters: ReportFilters, today: dt.date | None = None
) -> QuerySet[Submission]:
    """HR's ledger: educator, award, amount, effective date (the award's decision date), of
    the awards that count and that the district pays (``paid_by_district_q``)."""
    qs = _salary_scope(district=district, filters=filters)
    return (
        earned_with_credit(qs, district=district, today=today)
        .annotate(accepted_from_elsewhere=_accepted_from_elsewhere(district))
        .select_related("district", "educator", "educator__building", "plan__microcredential")
        .order_by("-decided_at", "-id")
    )


def _accepted_from_elsewhere(district: District) -> Case:
    """Earned in another district of the state, which ``district`` accepted to pay."""
    return Case(When(district_id=district.pk, then=Value(False)), default=Value(True))


class LedgerRow(NamedTuple):
    """One row of the salary ledger's page, as the page shows it."""

    pk: int
    educator: str
    building: str
    microcredential: str
    accepted_from: str  # the district it was earned in, when earned elsewhere and accepted
    salary: Decimal
    points: Decimal
    hours: Decimal
    effective_on: dt.date


def _ledger_names(ids: list[int]) -> QuerySet:
    """The names shown on the ledger's rows ``ids``: the educator, their building, the
    micro-credential and the district it was earned in."""
    return Submission.objects.filter(AnyOf("pk", ids)).values_list(
        "pk",
        "educator__first_name",
        "educator__last_name",
        "educator__email",
        "educator__building__name",
        "plan__microcredential__title",
        "district__name",
    )


# Read on every page of the ledger: the SQL is built once per process (microcreds.prepared), the
# page's ids one parameter.
_ledger_names_shown = PreparedQuery(_ledger_names, list)


def salary_ledger_page(
    *, district: District, ids: list[int], stamp: int | None | EllipsisType = ...
) -> list[LedgerRow]:
    """The ledger's rows of one page (``ids``, from ``salary_ledger_ids``, in its order), as
    the page shows them. ``ids`` already hold the ledger's conditions (the filters, whether the
    award counts and the district pays): the rows are read by id, as the columns shown alone
    (model instances of six tables for 50 rows, and the ledger's conditions compiled and
    planned a second time, cost most of the page's time).

    Each row's credit (salary, PD points, hours, its date, whether it was earned elsewhere) is
    filed under the report stamp the totals are (building and compiling the credit rules'
    CASE cost half of the page's time), given as read already for the page (``stamp``); the
    names are read each time (a rename moves no stamp)."""
    if stamp is ...:
        stamp = report_stamp(district=district, across_state=salary_across_state(district=district))
    credit = _stamped(
        "salary-ledger-rows",
        district_id=district.pk,
        today=timezone.localdate(),
        key=hashlib.sha1(repr(ids).encode()).hexdigest(),
        compute=lambda: _ledger_credit(district=district, ids=ids),
        stamp=stamp,
    )
    order = {pk: place for place, pk in enumerate(ids)}
    rows = sorted(_ledger_names_shown.all(list(credit)), key=lambda row: order[row[0]])
    ledger = []
    for pk, first_name, last_name, email, building, microcredential, district_name in rows:
        accepted_from_elsewhere, salary, points, hours, effective_on = credit[pk]
        ledger.append(
            LedgerRow(
                pk=pk,
                educator=person_name(first_name, last_name, email),
                building=building or "",
                microcredential=microcredential,
                accepted_from=district_name if accepted_from_elsewhere else "",
                salary=salary,
                points=points,
                hours=hours,
                effective_on=effective_on,
            )
        )
    return ledger


def _ledger_credit(*, district: District, ids: list[int]) -> dict[int, tuple]:
    """Of the ledger's submissions ``ids``, by id: whether it was earned elsewhere (and
    accepted), its salary credit, PD points, clock hours and date of effect."""
    return {
        pk: tuple(credit)
        for pk, *credit in with_credit(Submission.objects.filter(pk__in=ids), district=district)
        .annotate(accepted_from_elsewhere=_accepted_from_elsewhere(district))
        .order_by()
        .values_list("pk", "accepted_from_elsewhere", "salary", "points", "hours", "effective_on")
    }


def salary_ledger_ids(
    *, district: District, filters: ReportFilters, today: dt.date | None = None
) -> QuerySet:
    """The ledger's order over the submission table and its awards alone: paging needs no
    other join (the district's acceptances are a subquery)."""
    qs = _salary_scope(district=district, filters=filters)
    return (
        with_counting_award(qs, at=_awards_counted_at(today or timezone.localdate()))
        .order_by("-decided_at", "-id")
        .values_list("pk", flat=True)
    )


class StampedIds:
    """A list's ids, for a paginator: each slice asked for (a page) is read once and filed
    under the report stamp the list's figures are, with the day and ``key`` (the filters).
    Its query (``ids``) is built only when a slice is not on file: building and compiling the
    salary ledger's conditions cost more than the rest of its page."""

    def __init__(
        self, figure: str, *, district_id: int, today: dt.date, key: str, stamp, ids
    ) -> None:
        self.figure, self.district_id, self.today, self.key = figure, district_id, today, key
        self.stamp, self.ids = stamp, ids

    def __getitem__(self, bounds: slice) -> list[int]:
        return _stamped(
            self.figure,
            district_id=self.district_id,
            today=self.today,
            key=f"{self.key}:{bounds.start}:{bounds.stop}",
            compute=lambda: list(self.ids()[bounds]),
            stamp=self.stamp,
        )


def salary_ledger_pages(
    *, district: District, filters: ReportFilters, stamp: int | None | EllipsisType = ...
) -> StampedIds:
    """The ledger's ids (``salary_ledger_ids``) to page over, each page's filed under the
    report stamp its totals are (``stamp``, as read already for the page)."""
    today = timezone.localdate()
    if stamp is ...:
        stamp = report_stamp(district=district, across_state=salary_across_state(district=district))
    return StampedIds(
        "salary-ledger-ids",
        district_id=district.pk,
        today=today,
        key=_filters_key(filters),
        stamp=stamp,
        ids=lambda: salary_ledger_ids(district=district, filters=filters, today=today),
    )


def salary_totals(
    *, district: District, filters: ReportFilters, stamp: int | None | EllipsisType = ...
) -> dict:
    """The ledger's total salary credit and PD points, and its number of awards. ``stamp``:
    as read already for the page (``report_stamp``, across the state when the ledger reads it:
    ``salary_across_state``)."""
    today = timezone.localdate()
    if stamp is ...:
        stamp = report_stamp(district=district, across_state=salary_across_state(district=district))
    return _cached(
        "salary_totals",
        district=district,
        filters=filters,
        today=today,
        stamp=stamp,
        compute=lambda: (
            salary_ledger(district=district, filters=filters, today=today)
            .order_by()
            .aggregate(
                total_salary=Coalesce(Sum("salary"), Value(Decimal("0")), output_field=MONEY),
                total_points=Coalesce(Sum("points"), Value(Decimal("0")), output_field=MONEY),
                awards=Count("id"),
            )
        ),
    )


def salary_outside_cycles(
    *, district: District, filters: ReportFilters, stamp: int | None | EllipsisType = ...
) -> dict[str, int]:
    """How many awards the salary ledger holds with ``filters`` outside every cycle
    (``ReportFilters.outside_every_cycle``), by where they fall (``_outside_cycles_counts``).
    ``stamp``: as ``salary_totals``."""
    today = timezone.localdate()
    if stamp is ...:
        stamp = report_stamp(district=district, across_state=salary_across_state(district=district))
    return _cached(
        "salary-outside-cycles",
        district=district,
        filters=filters,
        today=today,
        stamp=stamp,
        compute=lambda: _outside_cycles_counts(
            with_counting_award(
                _salary_scope(district=district, filters=filters),
                at=_awards_counted_at(today),
            ),
            filters,
        ),
    )


# --- The panels' work ---------------------------------------------------------------------------


def panel_workload(*, district: District, filters: ReportFilters) -> list[User]:
    """Every reviewer of the district with their waiting, overdue and done reviews of the
    submissions ``filters`` keep (a cycle: the reviews assigned during it), and their mean days
    from assignment to review (``turnaround_days``, None before their first)."""
    workload = reviews_selectors.reviewer_workload(
        district_id=district.pk, within=review_assignments_within(filters)
    )
    for person in workload:
        person.turnaround_days = (
            round(person.turnaround.total_seconds() / 86400, 1)
            if person.turnaround is not None
            else None
        )
    return workload


def panel_needing_reviewer(*, district: District, filters: ReportFilters) -> dict[str, int]:
    """The reviews of the submissions ``filters`` keep that wait for no one ("Needs another
    reviewer": ``reviews.selectors.reviews_needing_reviewer``), waiting and overdue: a row of
    their own in the report, never their deactivated reviewer's."""
    return reviews_selectors.reviews_needing_reviewer(
        district_id=district.pk, within=review_assignments_within(filters)
    )


def panel_agreement(*, district: District, filters: ReportFilters) -> list[dict]:
    """Each panel's agreement (``reviews.selectors.panel_agreement``) over the reviews of the
    submissions ``filters`` keep."""
    return reviews_selectors.panel_agreement(
        district_id=district.pk, within=review_assignments_within(filters)
    )


# --- Re-licensure -------------------------------------------------------------------------------


RENEWAL_MET = "met"
RENEWAL_ON_TRACK = "on_track"
RENEWAL_AT_RISK = "at_risk"
RENEWAL_NOT_MET = "not_met"
RENEWAL_LABELS = {
    RENEWAL_MET: "Met",
    RENEWAL_ON_TRACK: "On track",
    RENEWAL_AT_RISK: "At risk",
    RENEWAL_NOT_MET: "Not met",
}
# While a window is open nobody has missed it yet; once it has closed, nobody is on track.
OPEN_WINDOW_STATUSES = [RENEWAL_MET, RENEWAL_ON_TRACK, RENEWAL_AT_RISK]
CLOSED_WINDOW_STATUSES = [RENEWAL_MET, RENEWAL_NOT_MET]


def _earned_within_q(within, *, prefix: str = "") -> Q:
    """Earned within a renewal window, ``within(field)`` saying which dates of a field fall in
    it: a renewal counts when the credential it renews was first earned (renewing keeps a
    credential, it does not earn a new one). The one rule of the re-licensure report, the
    state's figures and the educator's progress card."""
    return (
        Q(**{f"{prefix}first_earned_at__isnull": True}) & within(f"{prefix}decided_at")
    ) | within(f"{prefix}first_earned_at")


def _within_window(window: RenewalWindow):
    return lambda field: within_days_q(field, window.starts_on, window.ends_on)


def _potential_points(rules: list[CreditRule], *, prefix: str, today: dt.date, **kwargs):
    """What a plan in progress would be worth in PD points if it were earned today (a renewal:
    as the earning it renews)."""
    effective_on = Coalesce(Cast(TruncDate(f"{prefix}first_earned_at"), DateField()), Value(today))
    return pd_points_worth(rules, prefix=prefix, effective_on=effective_on, **kwargs)


NO_POINTS = Value(None, output_field=MONEY)


def _educators_with_renewal(
    *,
    district: District,
    window: RenewalWindow,
    filters: ReportFilters,
    today: dt.date,
    credit_rules: list[CreditRule],
    only: list[int] | None = None,
) -> QuerySet[User]:
    """Each educator with what they earned in the window and have in progress (micro-
    credentials, and PD points when the rule counts them, each worth what the district's
    ``credit_rules`` say; else the points are None): one join and one GROUP BY over the
    district's submissions (or, for the ``only`` educators of a page, over theirs alone: the
    join condition names them, so their index is used).

    The building filter narrows the educators; the stack, micro-credential and goal filters
    narrow what counts (only matching micro-credentials, earned or in progress).
    """
    people = User.objects.filter(holds_role(Role.EDUCATOR), district_id=district.pk)
    relation = "submissions"
    if only is not None:
        relation = "page_submissions"
        people = people.filter(pk__in=only).annotate(
            page_submissions=FilteredRelation(
                "submissions", condition=Q(submissions__educator_id__in=only)
            )
        )
    # What they earned in any district of the state counts (a person who moved brings it).
    counted = _catalog_q(filters, prefix=f"{relation}__") & awarded_in_state_q(
        district=district, prefix=f"{relation}__"
    )
    in_window = (
        counted
        & Q(**{f"{relation}__status": SubmissionStatus.EARNED})
        & _earned_within_q(_within_window(window), prefix=f"{relation}__")
        & award_counts_q(at=_awards_counted_at(today), prefix=f"{relation}__award__")
    )
    in_progress = counted & Q(**{f"{relation}__status__in": IN_PROGRESS_STATUSES})
    if filters.building_id:
        people = people.filter(building_id=filters.building_id)
    rule = window.rule
    earned_points = in_progress_points = NO_POINTS
    if rule.counts_points:
        # Worth what the educator's district credits (``pd_points_worth``), wherever earned.
        prefix = f"{relation}__"
        earned_points = Coalesce(
            Sum(
                pd_points_worth(credit_rules, prefix=prefix, effective_on=_effective_on(prefix)),
                filter=in_window,
            ),
            Value(Decimal("0")),
            output_field=MONEY,
        )
        in_progress_points = Coalesce(
            Sum(_potential_points(credit_rules, prefix=prefix, today=today), filter=in_progress),
            Value(Decimal("0")),
            output_field=MONEY,
        )
    people = people.annotate(
        earned_count=Count(relation, filter=in_window),
        in_progress_count=Count(relation, filter=in_progress),
        earned_points=earned_points,
        in_progress_points=in_progress_points,
    )
    met = When(
        rule.reached_q(count="earned_count", points="earned_points"), then=Value(RENEWAL_MET)
    )
    if window.closed(today):
        return people.annotate(
            renewal=Case(met, default=Value(RENEWAL_NOT_MET), output_field=CharField())
        )
    whens = [met]
    if today >= window.at_risk_from:
        # Short of the rule even once everything in progress is earned.
        people = people.annotate(potential_count=F("earned_count") + F("in_progress_count"))
        if rule.counts_points:
            people = people.annotate(potential_points=F("earned_points") + F("in_progress_points"))
        whens.append(
            When(
                ~rule.reached_q(count="potential_count", points="potential_points"),
                then=Value(RENEWAL_AT_RISK),
            )
        )
    return people.annotate(
        renewal=Case(*whens, default=Value(RENEWAL_ON_TRACK), output_field=CharField())
    )


def relicensure(
    *, district: District, filters: ReportFilters, today: dt.date | None = None
) -> dict:
    """Educators met / on track / at risk in the current window (or, with a cycle chosen,
    the window holding it; once closed: met / not met), and the query of the list."""
    report = relicensure_counts(district=district, filters=filters, today=today)
    return {**report, "people": renewal_people(district=district, filters=filters, report=report)}


def relicensure_counts(
    *,
    district: District,
    filters: ReportFilters,
    today: dt.date | None = None,
    stamp: int | None | EllipsisType = ...,
) -> dict:
    """``relicensure`` without the query of the list (which costs building even unread): the
    window, the counts by status and what the list's rows are computed with. Filed whole under
    the state's report stamp (the rules, the cycles and the credit rules move it as the counts'
    data does): a visit that finds it unchanged reads the rule in force and its window too from
    the cache, not three queries. The report holds the stamp it was read under (``stamp``, the
    state's: ``report_stamp(across_state=True)``, given when read already for the page): the
    rows of its list are filed under the same."""
    today = today or timezone.localdate()
    if stamp is ...:
        stamp = _report_stamp(district_id=district.pk, state_id=district.state_id)
    report = _stamped(
        "relicensure-report",
        district_id=district.pk,
        today=today,
        key=_filters_key(filters),
        compute=lambda: _relicensure_counts(district=district, filters=filters, today=today),
        stamp=stamp,
    )
    return {**report, "stamp": stamp}


def _relicensure_counts(*, district: District, filters: ReportFilters, today: dt.date) -> dict:
    schedule = renewal_schedule(district=district, today=today, cycle=filters.cycle)
    window = schedule.window
    if window is None:
        return {"window": None, "closed": False, "today": today, "counts": [], "total": 0}
    # A rule in PD points reads the district's credit rules: one query, for the page's rows too.
    credit_rules = (
        list(CreditRule.objects.filter(district_id=district.pk))
        if window.rule.counts_points
        else []
    )
    closed = window.closed(today)
    statuses = CLOSED_WINDOW_STATUSES if closed else OPEN_WINDOW_STATUSES
    report = {
        "window": window,
        # Every window of the rule, and the days each counts: the page lists them.
        "windows": schedule.windows,
        "closed": closed,
        "today": today,
        "credit_rules": credit_rules,
    }
    counts = (
        renewal_people(district=district, filters=filters, report=report)
        .order_by()
        .aggregate(**{key: Count("pk", filter=Q(renewal=key)) for key in statuses})
    )
    return {
        **report,
        "counts": [
            {"key": key, "label": RENEWAL_LABELS[key], "count": counts[key]} for key in statuses
        ],
        "total": sum(counts.values()),
    }


def renewal_people(*, district: District, filters: ReportFilters, report: dict) -> QuerySet[User]:
    """The educators of a re-licensure ``report`` (``relicensure_counts``) by name, each with
    their status (``renewal``) and what it is computed from."""
    if report["window"] is None:
        return User.objects.none()
    return (
        _educators_with_renewal(
            district=district,
            window=report["window"],
            filters=filters,
            today=report["today"],
            credit_rules=report["credit_rules"],
        )
        .select_related("building")
        .order_by(*PEOPLE_ORDER)
    )


class RenewalRow(NamedTuple):
    """One educator of the re-licensure list's page, as the page shows them."""

    pk: int
    educator: str
    building: str
    earned_count: int
    in_progress_count: int
    earned_points: Decimal | None  # None: the rule in force does not count points
    in_progress_points: Decimal | None
    renewal: str
    renewal_label: str
    # They hold a micro-credential that counts: their transcript (for HR or a licensure office)
    # is offered beside their name.
    has_transcript: bool


def _renewal_people(ids: list[int], at: dt.datetime) -> QuerySet:
    """The names, buildings and whether they hold a counting award (their transcript) of the
    people ``ids``. The award is looked for per row of the page (NOT EXISTS for the renewal:
    with the outer join, PostgreSQL hashed every award of the district for the 50 rows, 14 ms
    at 50,000 plans)."""
    holds = Award.objects.filter(award_counts_q(at=at, anti_join=True), educator_id=OuterRef("pk"))
    return (
        User.objects.filter(AnyOf("pk", ids))
        .annotate(has_transcript=Exists(holds))
        .values_list("pk", "first_name", "last_name", "email", "building__name", "has_transcript")
    )


# Read on every page of the list: the SQL is built once per process (microcreds.prepared), the
# page's ids one parameter.
_renewal_people_shown = PreparedQuery(_renewal_people, list, dt.datetime)


def relicensure_rows(
    *, district: District, filters: ReportFilters, report: dict, ids: list[int]
) -> list[RenewalRow]:
    """The educators of one page of the re-licensure list (``ids``, in the list's order), with
    their status (``renewal``) and its words: read as the columns shown alone (full user rows
    cost most of the page's Python time).

    What each has earned and has in progress, and their status, are filed under the report's
    stamp (the aggregate cost most of the page's time to build and compile); their names,
    buildings and transcripts are read each time (a rename moves no stamp, and an award can
    stop counting at any moment of the day)."""
    if report["window"] is None:
        return []
    figures = _stamped(
        "relicensure-rows",
        district_id=district.pk,
        today=report["today"],
        key=_filters_key(filters) + ":" + hashlib.sha1(repr(ids).encode()).hexdigest(),
        compute=lambda: _relicensure_figures(
            district=district, filters=filters, report=report, ids=ids
        ),
        stamp=report.get("stamp"),
    )
    order = {pk: place for place, pk in enumerate(ids)}
    people = sorted(
        _renewal_people_shown.all(list(figures), timezone.now()), key=lambda row: order[row[0]]
    )
    rows = []
    for pk, first_name, last_name, email, building, has_transcript in people:
        earned_count, in_progress_count, earned_points, in_progress_points, renewal = figures[pk]
        rows.append(
            RenewalRow(
                pk=pk,
                educator=person_name(first_name, last_name, email),
                building=building or "",
                earned_count=earned_count,
                in_progress_count=in_progress_count,
                earned_points=earned_points,
                in_progress_points=in_progress_points,
                renewal=renewal,
                renewal_label=RENEWAL_LABELS[renewal],
                has_transcript=has_transcript,
            )
        )
    return rows


def _relicensure_figures(
    *, district: District, filters: ReportFilters, report: dict, ids: list[int]
) -> dict[int, tuple]:
    """Of the ``ids`` among a re-licensure report's educators, by id: earned and in progress
    (micro-credentials and PD points), and their status."""
    people = _educators_with_renewal(
        district=district,
        window=report["window"],
        filters=filters,
        today=report["today"],
        credit_rules=report["credit_rules"],
        only=ids,
    )
    return {
        pk: tuple(figures)
        for pk, *figures in people.order_by().values_list(
            "pk",
            "earned_count",
            "in_progress_count",
            "earned_points",
            "in_progress_points",
            "renewal",
        )
    }


def relicensure_page_ids(
    *, district: District, filters: ReportFilters, report: dict, renewal: str | None
) -> QuerySet:
    """The ids to page over: by name over the people table alone, or, for one status, from
    the aggregated list of ``report`` (``relicensure_counts``)."""
    if renewal:
        return (
            renewal_people(district=district, filters=filters, report=report)
            .filter(renewal=renewal)
            .values_list("pk", flat=True)
        )
    base = User.objects.filter(holds_role(Role.EDUCATOR), district_id=district.pk)
    if filters.building_id:
        base = base.filter(building_id=filters.building_id)
    return base.order_by(*PEOPLE_ORDER).values_list("pk", flat=True)


# --- The program's headline figures (the district admin's dashboard) ----------------------------


# The cache's name for the headline figures; a new name when their shape changes, so that no
# figure of the old shape is read as the new (they are filed for a day at most).
HEADLINE = "program-headline"


def program_headline(*, district: District, today: dt.date | None = None) -> dict:
    """The figures the admin's dashboard leads with, each the figure of one report: plans by
    stage (funnel), earned in the cycle under way by building (completions), pass rates,
    median turnaround, and educators by re-licensure status. One cached read: on a visit that
    finds the stamp unchanged, a query for the stamp and none for the figures."""
    today = today or timezone.localdate()
    return _cached(
        HEADLINE,
        district=district,
        filters=ReportFilters(),
        today=today,
        compute=lambda: _program_headline(district=district, today=today),
    )


def program_headlines(
    *, districts: list, today: dt.date | None = None, extract=None, extract_key: str = ""
) -> dict:
    """``program_headline`` of every one of ``districts`` (Districts, or anything with the pk of
    one), by district id, in a fixed number of
    queries whatever their number: one for all their stamps and one cache read for all their
    figures. That entry, one for the set of districts, holds each district's figures beside the
    stamp they were computed at: a district whose stamp has moved since is computed again (its
    whole headline from its own cache entry, filed by ``services.report_figures_warm``, or else
    with the others missing in a fixed number of grouped queries, ``_program_headlines``) and
    the entry is filed again; the others are read from it as they are, exactly.

    With ``extract`` (a headline → the few values a page needs of it, as tuples or small
    dicts), each district's ``extract(headline)`` instead, filed in an entry of its own for the
    same districts (``extract_key`` names the extract): a page of 300 districts then reads its
    few values of each, not 300 whole headlines, even after one district changed."""
    today = today or timezone.localdate()
    stamps = current_stamps(district_ids=[d.pk for d in districts])
    values: dict = {}
    together_key = None
    if stamps:
        together_key = (
            f"reports:{HEADLINE}s{':' + extract_key if extract else ''}:"
            + hashlib.sha1(str(sorted(stamps)).encode()).hexdigest()
        )
        together = cache.get(together_key)
        if together is not None and together[0] == today.isoformat():
            values = {
                pk: value for pk, (stamp, value) in together[1].items() if stamps.get(pk) == stamp
            }
            if len(values) == len(districts):
                return values
    missing = [d for d in districts if d.pk not in values]
    keys = {
        d.pk: _cache_key(
            HEADLINE,
            district_id=d.pk,
            stamp=stamps[d.pk],
            today=today,
            key=_filters_key(ReportFilters()),
        )
        for d in missing
        if d.pk in stamps
    }
    found = cache.get_many(list(keys.values()))
    headlines = {d.pk: found[keys[d.pk]] for d in missing if keys.get(d.pk) in found}
    uncached = [d for d in missing if d.pk not in headlines]
    if uncached and not all(isinstance(d, District) for d in uncached):
        # Given as lines of a table (their pk and what the table shows): what the figures read
        # of them, loaded for these alone.
        uncached = list(District.objects.filter(pk__in=[d.pk for d in uncached]))
    if uncached:
        computed = _program_headlines(districts=uncached, today=today)
        cache.set_many(
            {keys[pk]: figures for pk, figures in computed.items() if pk in keys}, CACHE_SECONDS
        )
        headlines.update(computed)
    if extract:
        headlines = {pk: extract(headline) for pk, headline in headlines.items()}
    values.update(headlines)
    if together_key:
        cache.set(
            together_key,
            (today.isoformat(), {pk: (stamps[pk], values[pk]) for pk in values if pk in stamps}),
            CACHE_SECONDS,
        )
    return values


def _program_headlines(*, districts: list[District], today: dt.date) -> dict[int, dict]:
    """``_program_headline`` of each of ``districts`` (all of one state, or of none), each
    figure one grouped query over all of them: the same rules, read the same way, GROUP BY
    district. The tests hold each district's figures to ``_program_headline``'s."""
    by_state: dict[int | None, list[District]] = defaultdict(list)
    for district in districts:
        by_state[district.state_id].append(district)
    headlines: dict[int, dict] = {}
    for group in by_state.values():
        if group[0].state_id is None:
            # Districts of no state read only themselves: no grouping across them.
            for district in group:
                headlines[district.pk] = _program_headline(district=district, today=today)
        else:
            headlines.update(_state_headlines(districts=group, today=today))
    return headlines


def _cycles_by_district(district_ids: list[int]) -> dict[int, list[ProgramCycle]]:
    cycles: dict[int, list[ProgramCycle]] = defaultdict(list)
    for cycle in ProgramCycle.objects.filter(district_id__in=district_ids).order_by(
        "district_id", "starts_on", "id"
    ):
        cycles[cycle.district_id].append(cycle)
    return cycles


def _current_cycle(cycles: list[ProgramCycle], today: dt.date) -> ProgramCycle | None:
    """``_program_headline``'s cycle: the one holding ``today`` (``cycle_holding``)."""
    return cycle_holding(cycles=cycles, day=today)


def _renewal_windows(
    districts: list[District], cycles: dict[int, list[ProgramCycle]], today: dt.date
) -> dict[int, RenewalWindow]:
    """``current_renewal_window`` of each district: its rule in force (the state's and its
    own), its cycles from the rule's first on; two queries for all the rules."""
    windows = {}
    for district_id, rule in renewal_rules_in_force(districts=districts, today=today).items():
        window = renewal_window_for(
            rule=rule, cycles=rule.cycles_of(cycles[district_id]), today=today
        )
        if window is not None:
            windows[district_id] = window
    return windows


def _per_district_dates(field: str, ranges: dict[int, tuple[dt.date, dt.date]]) -> Q:
    """``field`` within each district's own days (``ranges``: first and last day), one
    condition; districts sharing their days share a branch of it."""
    sharing: dict[tuple[dt.date, dt.date], list[int]] = defaultdict(list)
    for district_id, days in ranges.items():
        sharing[days].append(district_id)
    condition = Q(pk__in=[])
    for (first, last), ids in sharing.items():
        condition |= Q(district_id__in=ids) & within_days_q(field, first, last)
    return condition


def _state_headlines(*, districts: list[District], today: dt.date) -> dict[int, dict]:
    ids = [d.pk for d in districts]
    cycles = _cycles_by_district(ids)
    current = {pk: _current_cycle(cycles[pk], today) for pk in ids}

    # Earned in the cycle under way (or ever, without one), its award still counting.
    with_cycle = {pk: (c.starts_on, c.ends_on) for pk, c in current.items() if c}
    earned = with_counting_award(
        Submission.objects.filter(district_id__in=ids).filter(
            _per_district_dates("decided_at", with_cycle)
            | Q(district_id__in=[pk for pk in ids if pk not in with_cycle])
        ),
        at=_awards_counted_at(today),
    )
    by_building: dict[int, list[dict]] = defaultdict(list)
    for row in (
        earned.values(
            "district_id", name=Coalesce("educator__building__name", Value("No building"))
        )
        .annotate(count=Count("id"))
        .order_by()
    ):
        by_building[row["district_id"]].append({"name": row["name"], "count": row["count"]})

    educators = dict(
        User.objects.filter(holds_role(Role.EDUCATOR), district_id__in=ids)
        .values("district_id")
        .annotate(count=Count("id"))
        .order_by()
        .values_list("district_id", "count")
    )
    funnels = {
        row["district_id"]: row
        for row in Submission.objects.filter(district_id__in=ids)
        .values("district_id")
        .annotate(**_FUNNEL_COUNTS)
        .order_by()
    }
    open_plans = dict(
        Submission.objects.filter(district_id__in=ids, status__in=OPEN_STATUSES)
        .values("district_id")
        .annotate(count=Count("id"))
        .order_by()
        .values_list("district_id", "count")
    )
    passes = {
        row["submission__district_id"]: row
        for row in Attempt.objects.filter(submission__district_id__in=ids, decided_at__isnull=False)
        .exclude(outcome="")
        .values("submission__district_id")
        .annotate(**_PASS_COUNTS)
        .order_by()
    }
    plan_days = _duration_stats_by_district(
        Submission.objects.filter(district_id__in=ids),
        district="district_id",
        end="plan_decided_at",
        start="plan_submitted_at",
    )
    review_days = _duration_stats_by_district(
        Attempt.objects.filter(submission__district_id__in=ids).exclude(outcome=""),
        district="submission__district_id",
        end="decided_at",
        start="submitted_at",
    )
    windows = _renewal_windows(districts, cycles, today)
    renewals = _renewal_counts(districts=districts, windows=windows, today=today)

    headlines = {}
    no_counts = dict.fromkeys(_FUNNEL_COUNTS, 0)
    no_passes = dict.fromkeys(_PASS_COUNTS, 0)
    no_days = {"median": None, "p90": None, "count": 0}
    for district in districts:
        pk = district.pk
        cycle = current[pk]
        buildings = sorted(by_building[pk], key=lambda r: (-r["count"], r["name"]))
        window = windows.get(pk)
        closed = window.closed(today) if window else False
        statuses = CLOSED_WINDOW_STATUSES if closed else OPEN_WINDOW_STATUSES
        counts = renewals.get(pk, {})
        passed = passes.get(pk, no_passes)
        headlines[pk] = {
            "educators": educators.get(pk, 0),
            "stages": _funnel_stages(funnels.get(pk, no_counts)),
            "open": open_plans.get(pk, 0),
            "cycle": {"pk": cycle.pk, "name": cycle.name} if cycle else None,
            "earned_in_cycle": sum(row["count"] for row in buildings),
            "earned_by_building": buildings,
            "pass_rates": _pass_rates(passed),
            "turnaround": {
                "plan": plan_days.get(pk, no_days),
                "review": review_days.get(pk, no_days),
                "target_days": district.review_turnaround_days,
            },
            "renewal": {
                "counts": [
                    {"key": key, "label": RENEWAL_LABELS[key], "count": counts.get(key, 0)}
                    for key in statuses
                ]
                if window
                else [],
                "ends_on": window.ends_on if window else None,
                "closed": closed,
            },
        }
    return headlines


def _duration_stats_by_district(
    qs: QuerySet, *, district: str, end: str, start: str
) -> dict[int, dict]:
    """``_duration_stats`` of each district, one grouped query (on PostgreSQL)."""
    if connection.vendor != "postgresql":
        ids = set(qs.values_list(district, flat=True).distinct())
        return {
            pk: _duration_stats(qs.filter(**{district: pk}), end=end, start=start) for pk in ids
        }
    days = Extract(_days_between(end, start), "epoch") / Value(86400.0)
    rows = (
        qs.filter(**{f"{end}__isnull": False, f"{start}__isnull": False})
        .values(district)
        .annotate(
            median=PercentileCont(days, 0.5), p90=PercentileCont(days, 0.9), count=Count("id")
        )
        .order_by()
    )
    return {
        row.pop(district): {k: (round(v, 1) if isinstance(v, float) else v) for k, v in row.items()}
        for row in rows
    }


def _renewal_counts(
    *, districts: list[District], windows: dict[int, RenewalWindow], today: dt.date
) -> dict[int, dict[str, int]]:
    """Educators by re-licensure status in each district with a window, as
    ``_educators_with_renewal`` decides it: one query, each district with its own window."""
    if not windows:
        return {}
    state_id = districts[0].state_id
    counts_at = _awards_counted_at(today)
    ids = list(windows)

    # Districts sharing a term (a state's rule is every district's) share a branch of each
    # condition: a handful of branches for 300 districts, not 300.
    def per_district(term, output_field):
        sharing: dict = defaultdict(list)
        for pk, window in windows.items():
            sharing[term(window.rule)].append(pk)
        return Case(
            *(When(district_id__in=pks, then=Value(value)) for value, pks in sharing.items()),
            output_field=output_field,
        )

    in_window = _earned_within_q(
        lambda field: _per_district_dates(
            field, {pk: (w.starts_on, w.ends_on) for pk, w in windows.items()}
        ),
        prefix="submissions__",
    )
    counted = Q(submissions__district__state_id=state_id)
    earned = (
        counted
        & in_window
        & Q(submissions__status=SubmissionStatus.EARNED)
        & award_counts_q(at=counts_at, prefix="submissions__award__")
    )
    in_progress = counted & Q(submissions__status__in=IN_PROGRESS_STATUSES)
    people = User.objects.filter(holds_role(Role.EDUCATOR), district_id__in=ids).annotate(
        required=per_district(lambda rule: rule.required_count, IntegerField()),
        earned_count=Count("submissions", filter=earned),
        in_progress_count=Count("submissions", filter=in_progress),
    )
    # PD points only where a district's rule counts them (0 asks none), each worth what the
    # educator's district credits.
    with_points = [pk for pk, w in windows.items() if w.rule.counts_points]
    required_points = Value(Decimal("0"), output_field=MONEY)
    if with_points:
        rules = list(CreditRule.objects.filter(district_id__in=with_points))
        required_points = per_district(lambda rule: rule.required_points or Decimal("0"), MONEY)
        mine = Q(district_id__in=with_points)
        people = people.annotate(
            earned_points=Coalesce(
                Sum(
                    pd_points_worth(
                        rules,
                        prefix="submissions__",
                        effective_on=_effective_on("submissions__"),
                        district_field="district_id",
                    ),
                    filter=earned & mine,
                ),
                Value(Decimal("0")),
                output_field=MONEY,
            ),
            in_progress_points=Coalesce(
                Sum(
                    _potential_points(
                        rules, prefix="submissions__", today=today, district_field="district_id"
                    ),
                    filter=in_progress & mine,
                ),
                Value(Decimal("0")),
                output_field=MONEY,
            ),
        )
    else:
        people = people.annotate(earned_points=required_points, in_progress_points=required_points)
    people = people.annotate(
        required_points=required_points,
        potential_count=F("earned_count") + F("in_progress_count"),
        potential_points=F("earned_points") + F("in_progress_points"),
    )

    def reached(count: str, points: str) -> Q:
        return renewal_reached_q(
            count=count,
            points=points,
            required_count=F("required"),
            required_points=F("required_points"),
        )

    closed = [pk for pk, w in windows.items() if w.closed(today)]
    at_risk = [pk for pk, w in windows.items() if not w.closed(today) and today >= w.at_risk_from]
    people = people.annotate(
        renewal=Case(
            When(reached("earned_count", "earned_points"), then=Value(RENEWAL_MET)),
            When(district_id__in=closed, then=Value(RENEWAL_NOT_MET)),
            When(
                Q(district_id__in=at_risk) & ~reached("potential_count", "potential_points"),
                then=Value(RENEWAL_AT_RISK),
            ),
            default=Value(RENEWAL_ON_TRACK),
            output_field=CharField(),
        )
    ).values("district_id", "renewal")
    sql, params = people.query.sql_with_params()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT district_id, renewal, COUNT(*) FROM ({sql}) AS person GROUP BY 1, 2",
            params,
        )
        for district_id, renewal, count in cursor.fetchall():
            counts[district_id][renewal] = count
    return counts


def _program_headline(*, district: District, today: dt.date) -> dict:
    everything = ReportFilters()
    cycle = cycle_holding(cycles=cycles_in_order(district_id=district.pk), day=today)
    in_cycle = ReportFilters(cycle=cycle) if cycle else everything
    # The completions report's figure for the cycle: earned, and its award still counts.
    earned = _earned(district=district, filters=in_cycle, today=today)
    by_building = list(
        earned.values(name=Coalesce("educator__building__name", Value("No building")))
        .annotate(count=Count("id"))
        .order_by("-count", "name")
    )
    stages = funnel(district=district, filters=everything, today=today)
    renewal = relicensure(district=district, filters=everything, today=today)
    window = renewal["window"]
    return {
        "educators": User.objects.filter(
            holds_role(Role.EDUCATOR), district_id=district.pk
        ).count(),
        "stages": stages["stages"],
        "open": sum(row["count"] for row in stages["stalls"]),
        "cycle": {"pk": cycle.pk, "name": cycle.name} if cycle else None,
        "earned_in_cycle": sum(row["count"] for row in by_building),
        "earned_by_building": by_building,
        "pass_rates": pass_rates(district=district, filters=everything),
        "turnaround": turnaround(district=district, filters=everything),
        "renewal": {
            "counts": renewal["counts"],
            "ends_on": window.ends_on if window else None,
            "closed": renewal["closed"],
        },
    }


# --- The admin dashboard's numbers at a glance ------------------------------------------------


def district_counts(*, district: District, now: dt.datetime | None = None) -> dict:
    """The admin dashboard's numbers (``people.selectors.district_counts``: people, buildings,
    published entries, plans under way, awards that count), cached under the report stamp,
    which moves with every change to what they count; read again from the database once an
    earned award expires by itself. Exact: a visit that finds the stamp unchanged costs a
    query for the stamp and none for the numbers."""
    now = now or timezone.now()
    return _cached(
        "district-counts",
        district=district,
        filters=ReportFilters(),
        today=timezone.localdate(now),
        compute=lambda: people_selectors.district_counts(district=district, at=now),
        holds=lambda counts: counts["earned_until"] is None or now < counts["earned_until"],
    )


# --- An educator's own progress -----------------------------------------------------------------


def educator_progress(*, user: User, today: dt.date | None = None) -> dict:
    """Where one educator stands: renewal window (awards of every district of the state
    count), salary credit (what their district pays: ``paid_by_district_q``) and PD points.

    Cached per educator under the state's report stamp (the district's, outside a state) and
    the day: everything it reads (their submissions and awards, the catalog's points and hours,
    the credit and renewal rules, the cycles) moves the stamp, and a dashboard opened in the
    transaction that changed them computes it afresh."""
    today = today or timezone.localdate()
    state_id = user.district.state_id
    stamp = _report_stamp(district_id=user.district_id, state_id=state_id)
    return _stamped(
        "educator-progress",
        district_id=user.district_id,
        today=today,
        key=str(user.pk),
        compute=lambda: _educator_progress(user=user, today=today, stamp=stamp),
        state_id=state_id,
        stamp=stamp,
    )


_PROGRESS_TOTALS = (
    "total_salary",
    "total_points",
    "total_hours",
    "awards",
    "in_window",
    "points_in_window",
)


class _ProgressQuery(NamedTuple):
    """What the progress card reads of a district on a day: its renewal window, the cycle
    under way, and one educator's totals (``totals(educator_id)``, a queryset)."""

    window: RenewalWindow | None
    current_cycle: ProgramCycle | None
    totals: Callable[[int], QuerySet]
    prepared: PreparedQuery


# The card's totals query holds the district's credit rules, its renewal window and the day:
# built once per process for each (district, state, stamp, day), every educator's card runs it
# with their id (microcreds.prepared, ``frozen``: everything it holds besides the id moves the
# stamp or is the day). A Monday morning's first views of the dashboard each computed it anew:
# 7.5 ms of CPU, 5 queries; now one query. The latest few are kept.
_progress_queries: dict[tuple, _ProgressQuery] = {}
_PROGRESS_QUERIES_KEPT = 32


def _progress_query(*, district: District, today: dt.date, stamp: int | None) -> _ProgressQuery:
    key = (district.pk, district.state_id, stamp, today)
    found = _progress_queries.get(key) if stamp is not None else None
    if found is not None:
        return found
    window = current_renewal_window(district=district, today=today)
    in_window = _earned_within_q(_within_window(window)) if window else Q(pk=None)

    def totals(educator_id: int) -> QuerySet:
        own = Submission.objects.filter(
            awarded_in_state_q(district=district), educator_id=educator_id
        )
        earned = earned_with_credit(
            own,
            district=district,
            today=today,
        )
        return (
            earned.order_by()
            .values("educator_id")
            .annotate(
                total_salary=Coalesce(
                    Sum("salary", filter=paid_by_district_q(district=district)),
                    Value(Decimal("0")),
                    output_field=MONEY,
                ),
                total_points=Coalesce(Sum("points"), Value(Decimal("0")), output_field=MONEY),
                total_hours=Coalesce(Sum("hours"), Value(Decimal("0")), output_field=MONEY),
                awards=Count("id"),
                in_window=Count("id", filter=in_window),
                points_in_window=Coalesce(
                    Sum("points", filter=in_window), Value(Decimal("0")), output_field=MONEY
                ),
            )
            .values_list(*_PROGRESS_TOTALS)
        )

    current_cycle = cycle_holding(cycles=cycles_in_order(district_id=district.pk), day=today)
    found = _ProgressQuery(window, current_cycle, totals, PreparedQuery(totals, int, frozen=True))
    if stamp is not None:
        _progress_queries[key] = found
        # Oldest first (dicts keep their order): forget all but the latest few.
        for old in list(_progress_queries)[:-_PROGRESS_QUERIES_KEPT]:
            _progress_queries.pop(old, None)
    return found


def _educator_progress(*, user: User, today: dt.date, stamp: int | None = None) -> dict:
    """Where one educator stands (``educator_progress``), computed. ``stamp``: the report
    stamp read for it, under which the district's part is kept (None: kept nowhere)."""
    district = user.district
    query = _progress_query(district=district, today=today, stamp=stamp)
    window, current_cycle = query.window, query.current_cycle
    # No awards that count is no row: every total is nothing.
    if stamp is not None:
        row = query.prepared.first(user.pk)
    else:
        row = next(iter(query.totals(user.pk)), None)
    zero = Decimal("0")
    totals = dict(zip(_PROGRESS_TOTALS, row or (zero, zero, zero, 0, 0, zero), strict=True))
    renewal = None
    if window is not None:
        rule = window.rule
        count, points = totals["in_window"], totals["points_in_window"]
        # Each term's share done; the rule's progress is the term furthest behind.
        shares = []
        if rule.required_count:
            shares.append(count / rule.required_count)
        if rule.counts_points:
            shares.append(float(points / rule.required_points))
        renewal = {
            "name": rule.name,
            "requires": rule.requires,
            "required": rule.required_count,
            "earned": min(count, rule.required_count),
            "earned_total": count,
            "required_points": rule.required_points,
            "earned_points": points,
            "met": rule.is_met(count=count, points=points),
            "starts_on": window.starts_on,
            "ends_on": window.ends_on,
            "closed": window.closed(today),
            "percent": min(100, int(min(shares) * 100)),
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


def recent_export_jobs(*, user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(district_id=user.district_id).order_by("-created_at")[:10]
