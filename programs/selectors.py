"""Reads of a district's cycles and rules, and the renewal windows the rules make of cycles."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import District

from .models import CreditRule, ProgramCycle, RenewalRule


def cycles_for_district(*, district: District) -> QuerySet[ProgramCycle]:
    return ProgramCycle.objects.filter(district_id=district.pk)


def credit_rules_for_district(*, district: District) -> QuerySet[CreditRule]:
    return CreditRule.objects.filter(district_id=district.pk)


def renewal_rules_for_district(*, district: District) -> QuerySet[RenewalRule]:
    return RenewalRule.objects.filter(district_id=district.pk).select_related("first_cycle")


# --- Renewal windows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalWindow:
    rule: RenewalRule
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


def renewal_window_holding(*, district: District, cycle: ProgramCycle) -> RenewalWindow | None:
    """The window holding ``cycle``, of the rule in force by the cycle's end (two queries);
    none when the cycle comes before that rule's first cycle."""
    window = current_renewal_window(district=district, today=cycle.ends_on)
    if window is None or cycle.pk not in {c.pk for c in window.cycles}:
        return None
    return window


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
