"""Factories for report tests: plans and submissions at any status, with their timestamps."""

import datetime as dt

import factory
from django.utils import timezone

from submissions.models import Attempt, Plan, Submission
from tests.accounts.factories import DistrictFactory, EducatorFactory
from tests.badges.factories import AwardFactory
from tests.credentials.factories import MicroCredentialFactory

SubmissionStatus = Submission.Status


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
    status = SubmissionStatus.DRAFT


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    submission = factory.SubFactory(SubmissionFactory)
    number = 1
    outcome = ""


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def earned_submission(
    *,
    plan: Plan | None = None,
    educator=None,
    decided_on: dt.date,
    district=None,
    award: dict | None = None,
    **extra,
) -> Submission:
    """An earned submission decided on ``decided_on`` with one passing attempt and its issued
    award (``award``: fields of the award to change, e.g. ``revoked_at`` or ``expires_at``)."""
    district = district or (plan.district if plan else educator.district)
    if plan is None:
        plan = PlanFactory(district=district, lead=educator)
    submission = SubmissionFactory(
        plan=plan,
        educator=educator or plan.lead,
        status=SubmissionStatus.EARNED,
        plan_submitted_at=at(decided_on - dt.timedelta(days=60)),
        plan_decided_at=at(decided_on - dt.timedelta(days=55)),
        submitted_for_review_at=at(decided_on - dt.timedelta(days=10)),
        decided_at=at(decided_on),
        attempt_count=1,
        **extra,
    )
    attempt = AttemptFactory(
        submission=submission, number=1, outcome=SubmissionStatus.EARNED, decided_at=at(decided_on)
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=at(decided_on - dt.timedelta(days=10))
    )
    AwardFactory(submission=submission, **(award or {}))
    return submission
