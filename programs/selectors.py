"""Reads of a district's cycles and rules, and the renewal windows the rules make of cycles."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import District
from microcreds.prepared import PreparedQuery

from .models import CreditRule, ProgramCycle, RenewalRule, StateRenewalRule, renewal_terms


def cycles_for_district(*, district: District) -> QuerySet[ProgramCycle]:
    return ProgramCycle.objects.filter(district_id=district.pk)


# The deadlines of the educator's pages read them on every view: the SQL is built once per
# process (microcreds.prepared).
_cycles_in_order = PreparedQuery(
    lambda district_id: ProgramCycle.objects.filter(district_id=district_id).order_by(
        "starts_on", "id"
    ),
    int,
)


def cycles_in_order(*, district_id: int | None) -> list[ProgramCycle]:
    """The district's cycles, oldest first (none for a person of no district)."""
    return _cycles_in_order.all(district_id) if district_id is not None else []


# --- Which cycle a day belongs to --------------------------------------------------------------


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the district's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cycle_holding(*, cycles: list[ProgramCycle], day: dt.date) -> ProgramCycle | None:
    """The cycle ``day`` belongs to: the first of ``cycles`` (in order) whose dates, first and
    last day included, hold it; none for a day between two cycles, before the first or after
    the last. The one home of "which cycle": an award belongs to the cycle holding the day it
    was decided, a plan to the cycle holding the day it was started, and the cycle under way is
    the one holding today. ``within_cycle_q`` and ``outside_cycles_q`` are the same rule in SQL.

    A day between cycles is attributed to neither neighbour: a district sets its cycles' dates,
    and a report that moved an award into a cycle it was not earned in would disagree with the
    dates it shows. The reports say how many awards fall outside every cycle instead, and offer
    them as a filter of their own ("Outside any cycle")."""
    return next((c for c in cycles if c.starts_on <= day <= c.ends_on), None)


def within_cycle_q(field: str, cycle: ProgramCycle) -> Q:
    """``field`` (a moment) falls on a day of ``cycle``, in the district's time zone
    (``cycle_holding`` in SQL)."""
    return within_days_q(field, cycle.starts_on, cycle.ends_on)


def within_days_q(field: str, first: dt.date, last: dt.date) -> Q:
    """``field`` (a moment) falls on a day from ``first`` to ``last``, both included."""
    return Q(
        **{
            f"{field}__gte": day_start(first),
            f"{field}__lt": day_start(last + dt.timedelta(days=1)),
        }
    )


def outside_cycles_q(field: str, cycles: list[ProgramCycle]) -> Q:
    """``field`` is set and falls on a day no cycle of ``cycles`` holds (``cycle_holding``
    returns none for it)."""
    condition = Q(**{f"{field}__isnull": False})
    for cycle in cycles:
        condition &= ~within_cycle_q(field, cycle)
    return condition


# Where a day no cycle holds lies, in the words the reports use, in the order they say them.
OUTSIDE_CYCLES_PARTS = {
    "between": "between cycles",
    "before": "before the first cycle began",
    "after": "after the last cycle ended",
}


def outside_cycles_parts_q(field: str, cycles: list[ProgramCycle]) -> dict[str, Q]:
    """``outside_cycles_q`` in its parts (``OUTSIDE_CYCLES_PARTS``): ``field`` before the first
    day of ``cycles``, after their last, or between two of them; each day no cycle holds is in
    exactly one. Empty without cycles (then no day is outside one)."""
    if not cycles:
        return {}
    before = Q(**{f"{field}__lt": day_start(min(c.starts_on for c in cycles))})
    last = max(c.ends_on for c in cycles)
    after = Q(**{f"{field}__gte": day_start(last + dt.timedelta(days=1))})
    return {
        "between": outside_cycles_q(field, cycles) & ~before & ~after,
        "before": before,
        "after": after,
    }


def overlapping_cycles(cycles: list[ProgramCycle]) -> list[tuple[ProgramCycle, ProgramCycle]]:
    """The pairs of ``cycles`` (in order) sharing a day (``ProgramCycle.overlaps``). Refused
    since cycles are checked when saved, but a district's older cycles, or a demo seeded again
    on another day before the seed checked them, may hold some: its cycles page says so."""
    return [
        (cycle, other)
        for i, cycle in enumerate(cycles)
        for other in cycles[i + 1 :]
        if cycle.overlaps(other)
    ]


def credit_rules_for_district(*, district: District) -> QuerySet[CreditRule]:
    return CreditRule.objects.filter(district_id=district.pk)


def renewal_rules_for_district(*, district: District) -> QuerySet[RenewalRule]:
    return RenewalRule.objects.filter(district_id=district.pk).select_related("first_cycle")


def state_renewal_rules(*, state_id: int) -> QuerySet[StateRenewalRule]:
    return StateRenewalRule.objects.filter(state_id=state_id)


# --- The rule in force -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInForce:
    """The re-licensure rule a district's educators are held to: the state's rule and the
    district's own, the stricter on each term (more micro-credentials, more PD points, fewer
    cycles, warned earlier). A district rule can add to the state's, never weaken it.

    The one home of "has this educator met the rule?" (``is_met``, and ``reached_q`` for the
    reports' SQL): every page, export and figure that says met, at risk or not met reads it."""

    required_count: int
    # None: the rule counts micro-credentials alone.
    required_points: Decimal | None
    window_cycles: int
    at_risk_days: int
    state_rule: StateRenewalRule | None
    district_rule: RenewalRule | None

    def cycles_of(self, cycles: list[ProgramCycle]) -> list[ProgramCycle]:
        """Of the district's ``cycles`` (in order), those its windows are made of: from the
        district rule's first cycle, or (a state rule alone) from the cycle under way when the
        state's rule began."""
        if self.district_rule is not None:
            first = self.district_rule.first_cycle.starts_on
            return [c for c in cycles if c.starts_on >= first]
        return [c for c in cycles if c.ends_on >= self.state_rule.effective_from]

    @property
    def counts_points(self) -> bool:
        return self.required_points is not None

    def is_met(self, *, count: int, points: Decimal | None = None) -> bool:
        """Whether ``count`` micro-credentials and ``points`` PD points meet the rule."""
        return count >= self.required_count and (
            not self.counts_points or (points or 0) >= self.required_points
        )

    def reached_q(self, *, count: str, points: str) -> Q:
        """``is_met`` in SQL, over the annotations named ``count`` and ``points``."""
        return renewal_reached_q(
            count=count,
            points=points,
            required_count=self.required_count,
            required_points=self.required_points if self.counts_points else None,
        )

    @property
    def name(self) -> str:
        return " and ".join(r.name for r in (self.state_rule, self.district_rule) if r)

    @property
    def requires(self) -> str:
        return renewal_terms(
            required_count=self.required_count,
            required_points=self.required_points,
            window_cycles=self.window_cycles,
        )

    @property
    def applies(self) -> str:
        """Which rule applies, in words (the re-licensure page and the rules page say it)."""
        if self.state_rule and self.district_rule:
            state, district = self.state_rule, self.district_rule
            return (
                f"The state's rule ({state.name}: {state.requires}) and the district's "
                f"({district.name}: {district.requires}) both apply; the stricter of each term "
                f"holds: {self.requires}."
            )
        if self.state_rule:
            return f"The state's rule applies ({self.state_rule.name}): {self.requires}."
        return f"The district's rule applies ({self.district_rule.name}): {self.requires}."


def renewal_reached_q(*, count: str, points: str, required_count, required_points) -> Q:
    """The annotations ``count`` and ``points`` reach a rule's terms (values, or expressions
    when each district of a state has its own rule; ``required_points`` None, or 0 in an
    expression, asks no points). Met: what was earned reaches it; at risk: earned and in
    progress together do not."""
    reached = Q(**{f"{count}__gte": required_count})
    if required_points is not None:
        reached &= Q(**{f"{points}__gte": required_points})
    return reached


def rule_in_force_of(
    *, state_rule: StateRenewalRule | None, district_rule: RenewalRule | None
) -> RuleInForce | None:
    """The state's rule and the district's combined: the stricter of each term."""
    rules = [r for r in (state_rule, district_rule) if r is not None]
    if not rules:
        return None
    points = [r.required_points for r in rules if r.required_points is not None]
    return RuleInForce(
        required_count=max(r.required_count for r in rules),
        required_points=max(points) if points else None,
        window_cycles=min(r.window_cycles for r in rules),
        at_risk_days=max(r.at_risk_days for r in rules),
        state_rule=state_rule,
        district_rule=district_rule,
    )


def renewal_rule_in_force(*, district: District, today: dt.date) -> RuleInForce | None:
    """The rule in force on ``today``, the state's and the district's combined: one query, two
    for a district of a state."""
    district_rule = (
        RenewalRule.objects.filter(district_id=district.pk, effective_from__lte=today)
        .select_related("first_cycle")
        .order_by("-effective_from", "-id")
        .first()
    )
    state_rule = None
    if district.state_id is not None:
        state_rule = (
            state_renewal_rules(state_id=district.state_id)
            .filter(effective_from__lte=today)
            .order_by("-effective_from", "-id")
            .first()
        )
    return rule_in_force_of(state_rule=state_rule, district_rule=district_rule)


def renewal_rules_in_force(*, districts: list[District], today: dt.date) -> dict[int, RuleInForce]:
    """``renewal_rule_in_force`` of each of ``districts``, by district id: two queries for any
    number of them (their rules, their states' rules)."""
    district_rules: dict[int, RenewalRule] = {}
    for rule in (
        RenewalRule.objects.filter(
            district_id__in=[d.pk for d in districts], effective_from__lte=today
        )
        .select_related("first_cycle")
        .order_by("district_id", "-effective_from", "-id")
    ):
        district_rules.setdefault(rule.district_id, rule)
    state_rules: dict[int, StateRenewalRule] = {}
    state_ids = {d.state_id for d in districts if d.state_id is not None}
    if state_ids:
        for rule in StateRenewalRule.objects.filter(
            state_id__in=state_ids, effective_from__lte=today
        ).order_by("state_id", "-effective_from", "-id"):
            state_rules.setdefault(rule.state_id, rule)
    rules = {}
    for district in districts:
        rule = rule_in_force_of(
            state_rule=state_rules.get(district.state_id),
            district_rule=district_rules.get(district.pk),
        )
        if rule is not None:
            rules[district.pk] = rule
    return rules


# --- Renewal windows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalWindow:
    """One window of a renewal rule (``renewal_windows``): its run of ``cycles`` and the days
    it counts, ``starts_on`` to ``ends_on``."""

    rule: RuleInForce
    starts_on: dt.date
    ends_on: dt.date
    cycles: list[ProgramCycle] = field(default_factory=list)

    @property
    def at_risk_from(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=self.rule.at_risk_days)

    @property
    def runs_past_its_cycles(self) -> bool:
        """It counts the break after its last cycle too, until the next window begins."""
        return bool(self.cycles) and self.ends_on > self.cycles[-1].ends_on

    def closed(self, today: dt.date) -> bool:
        return self.ends_on < today


def renewal_windows(
    *, rule: RuleInForce | RenewalRule, cycles: list[ProgramCycle]
) -> list[RenewalWindow]:
    """The windows a rule makes of ``cycles`` (in order, from the rule's first:
    ``RuleInForce.cycles_of``): consecutive runs of ``window_cycles`` cycles, back to back. A
    window runs from its first cycle's first day until the day before the next window's first
    cycle begins; the last one, to its last cycle's last day. The one home of "which days a
    renewal window counts": the re-licensure report, the state's figures, the educator's
    progress card and the API read a window's dates.

    Back to back because a license is renewed period after period, each beginning as the one
    before ends: a state counts the professional learning done while a license is held toward
    its renewal, and no day of it toward none. An award decided in the break after a window's
    last cycle (a summer, in the Kansas pilot's "two micro-credentials over three semesters")
    counts toward that window, still open until the next one begins. The days between the
    cycles of one window are in it too; the days before the rule's first cycle are in none."""
    runs = [cycles[i : i + rule.window_cycles] for i in range(0, len(cycles), rule.window_cycles)]
    windows = []
    for number, run in enumerate(runs):
        ends_on = run[-1].ends_on
        if number + 1 < len(runs):
            # Never before it begins (cycles sharing days, refused now, could put it there).
            ends_on = max(runs[number + 1][0].starts_on - dt.timedelta(days=1), run[0].starts_on)
        windows.append(
            RenewalWindow(rule=rule, starts_on=run[0].starts_on, ends_on=ends_on, cycles=run)
        )
    return windows


def _window_on(windows: list[RenewalWindow], day: dt.date) -> RenewalWindow | None:
    """Of ``windows`` (in order), the one holding ``day``, or the next to open, or else the
    last."""
    return next((w for w in windows if day <= w.ends_on), windows[-1] if windows else None)


def renewal_window_for(
    *, rule: RuleInForce | RenewalRule, cycles: list[ProgramCycle], today: dt.date
) -> RenewalWindow | None:
    """Of the windows ``rule`` makes of ``cycles`` (``renewal_windows``), the one holding
    ``today`` (or the next to open, or else the last)."""
    return _window_on(renewal_windows(rule=rule, cycles=cycles), today)


@dataclass(frozen=True)
class RenewalSchedule:
    """Every window of a rule in force (``renewal_windows``), and the one a page shows."""

    window: RenewalWindow | None
    windows: list[RenewalWindow] = field(default_factory=list)


def renewal_schedule(
    *, district: District, today: dt.date, cycle: ProgramCycle | None = None
) -> RenewalSchedule:
    """The windows of the rule in force on ``today`` (``renewal_rule_in_force``) and the one
    holding it (or the next to open, or else the last); with ``cycle``, of the rule in force by
    the cycle's end and the window holding the cycle (none when the cycle comes before that
    rule's first cycle). Two queries (the rule, the cycles), three in a state."""
    rule = renewal_rule_in_force(district=district, today=cycle.ends_on if cycle else today)
    if rule is None:
        return RenewalSchedule(window=None)
    windows = renewal_windows(
        rule=rule, cycles=rule.cycles_of(cycles_in_order(district_id=district.pk))
    )
    if cycle is None:
        return RenewalSchedule(window=_window_on(windows, today), windows=windows)
    holding = next((w for w in windows if cycle.pk in {c.pk for c in w.cycles}), None)
    return RenewalSchedule(window=holding, windows=windows)


def current_renewal_window(
    *, district: District, today: dt.date | None = None
) -> RenewalWindow | None:
    """The window of the rule in force today (``renewal_schedule``)."""
    return renewal_schedule(district=district, today=today or timezone.localdate()).window
