"""Factories for report tests: plans and submissions at any status, with their timestamps."""

import datetime as dt

import factory
from django.utils import timezone

from reports.models import CreditRule, ProgramCycle, RenewalRule
from submissions.models import Attempt, Plan, Submission
from tests.accounts.factories import DistrictFactory, EducatorFactory
from tests.credentials.factories import MicroCredentialFactory

S = Submission.Status


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    district = factory.SubFactory(DistrictFactory)
    microcredential = factory.SubFactory(
        MicroCredentialFactory, district=factory.SelfAttribute("..district"), criteria=0
    )
    lead = factory.SubFactory(EducatorFactory, district=factory.SelfAttribute("..district"))
    title = factory.Sequence(lambda n: f"Plan {n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    district = factory.SelfAttribute("plan.district")
    plan = factory.SubFactory(PlanFactory)
    educator = factory.SelfAttribute("plan.lead")
    status = S.DRAFT


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    submission = factory.SubFactory(SubmissionFactory)
    number = 1
    outcome = ""


class ProgramCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCycle

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Semester {n}")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 5, 31)


class CreditRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditRule

    district = factory.SubFactory(DistrictFactory)
    scope = CreditRule.Scope.DISTRICT
    effective_from = dt.date(2020, 1, 1)
    salary_amount = 300


class RenewalRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RenewalRule

    district = factory.SubFactory(DistrictFactory)
    first_cycle = factory.SubFactory(
        ProgramCycleFactory, district=factory.SelfAttribute("..district")
    )
    required_count = 2
    window_cycles = 3
    effective_from = dt.date(2020, 1, 1)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def earned_submission(
    *, plan: Plan | None = None, educator=None, decided_on: dt.date, district=None, **extra
) -> Submission:
    """An earned submission decided on ``decided_on`` with one passing attempt."""
    district = district or (plan.district if plan else educator.district)
    if plan is None:
        plan = PlanFactory(district=district, lead=educator)
    submission = SubmissionFactory(
        plan=plan,
        educator=educator or plan.lead,
        status=S.EARNED,
        plan_submitted_at=at(decided_on - dt.timedelta(days=60)),
        plan_decided_at=at(decided_on - dt.timedelta(days=55)),
        submitted_for_review_at=at(decided_on - dt.timedelta(days=10)),
        decided_at=at(decided_on),
        attempt_count=1,
        **extra,
    )
    attempt = AttemptFactory(
        submission=submission, number=1, outcome=S.EARNED, decided_at=at(decided_on)
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=at(decided_on - dt.timedelta(days=10))
    )
    return submission
