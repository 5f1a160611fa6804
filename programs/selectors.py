"""Reads of a district's cycles and rules, and the renewal windows the rules make of cycles."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import District

from .models import CreditRule, ProgramCycle, RenewalRule, StateRenewalRule


def cycles_for_district(*, district: District) -> QuerySet[ProgramCycle]:
    return ProgramCycle.objects.filter(district_id=district.pk)


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
    district's own, the stricter on each term (more micro-credentials, fewer cycles, warned
    earlier). A district rule can add to the state's, never weaken it."""

    required_count: int
    window_cycles: int
    at_risk_days: int
    state_rule: StateRenewalRule | None
    district_rule: RenewalRule | None

    def cycles(self, *, district: District) -> QuerySet[ProgramCycle]:
        """The district's cycles its windows are made of: from the district rule's first
        cycle, or (a state rule alone) from the cycle under way when the state's rule began."""
        cycles = ProgramCycle.objects.filter(district_id=district.pk)
        if self.district_rule is not None:
            cycles = cycles.filter(starts_on__gte=self.district_rule.first_cycle.starts_on)
        else:
            cycles = cycles.filter(ends_on__gte=self.state_rule.effective_from)
        return cycles.order_by("starts_on", "id")

    @property
    def name(self) -> str:
        return " and ".join(r.name for r in (self.state_rule, self.district_rule) if r)

    @property
    def applies(self) -> str:
        """Which rule applies, in words (the re-licensure page and the rules page say it)."""
        terms = f"{self.required_count} within {self.window_cycles} cycle" + (
            "s" if self.window_cycles != 1 else ""
        )
        if self.state_rule and self.district_rule:
            state, district = self.state_rule, self.district_rule
            return (
                f"The state's rule ({state.name}: {state.required_count} within "
                f"{state.window_cycles}) and the district's ({district.name}: "
                f"{district.required_count} within {district.window_cycles}) both apply; the "
                f"stricter of each term holds: {terms}."
            )
        if self.state_rule:
            return f"The state's rule applies ({self.state_rule.name}): {terms}."
        return f"The district's rule applies ({self.district_rule.name}): {terms}."


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
    rules = [r for r in (state_rule, district_rule) if r is not None]
    if not rules:
        return None
    return RuleInForce(
        required_count=max(r.required_count for r in rules),
        window_cycles=min(r.window_cycles for r in rules),
        at_risk_days=max(r.at_risk_days for r in rules),
        state_rule=state_rule,
        district_rule=district_rule,
    )


# --- Renewal windows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalWindow:
    rule: RuleInForce
    starts_on: dt.date
    ends_on: dt.date
    cycles: list[ProgramCycle] = field(default_factory=list)

    @property
    def at_risk_from(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=self.rule.at_risk_days)

    def closed(self, today: dt.date) -> bool:
        return self.ends_on < today


def current_renewal_window(
    *, district: District, today: dt.date | None = None
) -> RenewalWindow | None:
    """The window of the rule in force today (``renewal_rule_in_force``): two queries (the
    rule, the cycles), three in a state."""
    today = today or timezone.localdate()
    rule = renewal_rule_in_force(district=district, today=today)
    if rule is None:
        return None
    cycles = list(rule.cycles(district=district))
    return renewal_window_for(rule=rule, cycles=cycles, today=today)


def renewal_window_holding(*, district: District, cycle: ProgramCycle) -> RenewalWindow | None:
    """The window holding ``cycle``, of the rule in force by the cycle's end (two queries);
    none when the cycle comes before that rule's first cycle."""
    window = current_renewal_window(district=district, today=cycle.ends_on)
    if window is None or cycle.pk not in {c.pk for c in window.cycles}:
        return None
    return window


def renewal_window_for(
    *, rule: RuleInForce | RenewalRule, cycles: list[ProgramCycle], today: dt.date
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
