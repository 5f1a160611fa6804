"""The demo district's program rules and some history, so every dashboard shows progress.

Kansas-style renewal (2 micro-credentials within 3 cycles) and Kettle Moraine-style salary
credit ($100–$600 to base salary by level of rigor). The cycles are laid around today, whatever
day the demo is seeded: the one under way started six weeks ago and its deadlines are ahead, so
no plan is overdue the moment it is made.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Building, District, DistrictGoal, User
from badges.services import award_issue_for_submission
from credentials.models import MicroCredential
from programs.models import CreditRule, ProgramCycle, RenewalRule
from submissions.models import Attempt, Plan, Submission

SALARY_BY_RIGOR = {1: Decimal("100"), 2: Decimal("200"), 3: Decimal("400"), 4: Decimal("600")}
# A cycle every six months, twenty weeks long; the one under way (the third of five) started six
# weeks ago. Named by the half year it starts in: "Spring" from January, "Fall" from July.
CYCLE_MONTHS = 6
CYCLE_LENGTH = dt.timedelta(weeks=20)
CURRENT_STARTED = dt.timedelta(weeks=6)


def _months_later(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


def _semesters(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    current = today - CURRENT_STARTED
    cycles = []
    for step in range(-2, 3):
        starts = _months_later(current, step * CYCLE_MONTHS) if step else current
        season = "Spring" if starts.month <= 6 else "Fall"
        cycles.append((f"{season} {starts.year}", starts, starts + CYCLE_LENGTH))
    return cycles


def _cycle_seed(*, district: District, name: str, starts: dt.date, ends: dt.date) -> ProgramCycle:
    """The cycle named ``name``, made if missing, unless its dates would share a day with one
    the district has (seeded again on a later day, a semester's dates move): then that one, as
    the cycle holding those days (``ProgramCycle.overlapping``, the rule the cycles page
    keeps)."""
    found = ProgramCycle.objects.filter(district=district, name=name).first()
    if found is not None:
        return found
    cycle = ProgramCycle(
        district=district,
        name=name,
        starts_on=starts,
        ends_on=ends,
        plan_deadline=starts + dt.timedelta(weeks=10),
        evidence_deadline=ends - dt.timedelta(weeks=2),
    )
    overlapping = cycle.overlapping()
    if overlapping is not None:
        return overlapping
    cycle.save()
    return cycle


def program_rules_seed(*, district: District, today: dt.date) -> RenewalRule:
    """Five cycles around ``today``, the renewal rule and the salary credit rules."""
    cycles = [
        _cycle_seed(district=district, name=name, starts=starts, ends=ends)
        for name, starts, ends in _semesters(today)
    ]
    rule, _ = RenewalRule.objects.get_or_create(
        district=district,
        name="License renewal (Kansas pilot)",
        defaults={
            "required_count": 2,
            "window_cycles": 3,
            "first_cycle": cycles[1],
            "effective_from": dt.date(today.year - 1, 1, 1),
            # At risk a year before the window closes: the demo shows who needs a nudge.
            "at_risk_days": 365,
        },
    )
    since = dt.date(today.year - 1, 7, 1)
    CreditRule.objects.get_or_create(
        district=district,
        scope=CreditRule.Scope.DISTRICT,
        effective_from=since,
        defaults={"salary_amount": Decimal("100"), "note": "Base salary increase"},
    )
    for rigor, amount in SALARY_BY_RIGOR.items():
        CreditRule.objects.get_or_create(
            district=district,
            scope=CreditRule.Scope.RIGOR,
            rigor=rigor,
            effective_from=since,
            defaults={
                "salary_amount": amount,
                "note": f"{MicroCredential.Rigor(rigor).label} micro-credentials",
            },
        )
    return rule


def _earned_for(educator: User, credential: MicroCredential, decided: dt.datetime) -> Submission:
    """An award from an earlier semester (history, so not replayed through the panel)."""
    plan = Plan.objects.create(
        district=educator.district, microcredential=credential, lead=educator
    )
    submission = Submission.objects.create(
        district=educator.district,
        plan=plan,
        educator=educator,
        status=Submission.Status.EARNED,
        attempt_count=1,
        plan_submitted_at=decided - dt.timedelta(days=75),
        plan_decided_at=decided - dt.timedelta(days=68),
        submitted_for_review_at=decided - dt.timedelta(days=12),
        decided_at=decided,
    )
    Attempt.objects.create(
        submission=submission, number=1, outcome=Submission.Status.EARNED, decided_at=decided
    )
    return submission


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    from .scale import CLOSED_WEIGHTS, scale_catalog, seed_people, seed_plans

    today = timezone.localdate()
    rule = program_rules_seed(district=district, today=today)
    catalog = list(
        MicroCredential.objects.filter(
            district=district, status=MicroCredential.Status.PUBLISHED
        ).order_by("-rigor", "title")
    ) or scale_catalog(district=district, count=8)

    # The demo educator has one award in this renewal window: "1 of 2 toward renewal".
    elena = people["educator"]
    if not Submission.objects.filter(educator=elena, status=Submission.Status.EARNED).exists():
        window_start = rule.first_cycle.starts_on
        decided_on = min(today - dt.timedelta(days=7), window_start + dt.timedelta(days=70))
        decided_on = max(decided_on, window_start)
        decided = timezone.make_aware(dt.datetime.combine(decided_on, dt.time(15)))
        _earned_for(elena, catalog[0], decided)

    # Two years of finished work by colleagues, so the reports have a story to tell.
    rng = random.Random(2026)
    colleagues = seed_people(
        district=district,
        count=16,
        buildings=list(buildings.values()) or list(Building.objects.filter(district=district)),
        rng=rng,
        email_prefix="teacher",
    )
    seed_plans(
        district=district,
        educators=colleagues,
        count=48,
        catalog=catalog,
        goals=list(DistrictGoal.objects.filter(district=district)),
        rng=rng,
        weights=CLOSED_WEIGHTS,
        award_records=False,
    )
    # Every earned plan of the history holds its award, certificate and badge: reports count
    # awards, not decisions.
    history = Submission.objects.filter(
        district=district, status=Submission.Status.EARNED, award__isnull=True
    ).order_by("pk")
    for submission in history:
        award_issue_for_submission(submission_id=submission.pk)
