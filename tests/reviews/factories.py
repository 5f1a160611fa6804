"""Review factories, and submissions set up directly in a given status for review tests.

Only the set-up is direct: every transition under test goes through the services.
"""

import factory
from django.utils import timezone

from reviews.models import Panel
from submissions.models import Attempt, Plan, Submission
from tests.accounts.factories import DistrictFactory
from tests.credentials.factories import MicroCredentialFactory

SubmissionStatus = Submission.Status

PLAN_STAGE = {SubmissionStatus.PLAN_SUBMITTED}
FINAL_STAGE = {SubmissionStatus.SUBMITTED_FOR_REVIEW, SubmissionStatus.RESUBMITTED}


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Panel {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)

    @factory.post_generation
    def buildings(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.buildings.set(extracted)

    @factory.post_generation
    def stacks(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stacks.set(extracted)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    district = factory.SubFactory(DistrictFactory)
    microcredential = factory.SubFactory(
        MicroCredentialFactory, district=factory.SelfAttribute("..district")
    )
    title = factory.Sequence(lambda n: f"Routines plan {n}")
    rationale = "Transitions take too long in my third-grade class."
    hypothesis = "Explicit routines will halve transition time."
    actions = "Teach, model and practise three routines daily."
    timeline = "Six weeks from September."
    affected = "24 third-grade students."
    impact_measures = "Transition time, measured with a stopwatch weekly."


def submission_in(status: str, *, educator, plan=None, microcredential=None, attempts=None):
    """A submission of ``educator`` already in ``status``, with its attempts when it has been
    submitted for review (``attempts`` defaults to 2 for a resubmission, else 1)."""
    now = timezone.now()
    if plan is None:
        extra = {"microcredential": microcredential} if microcredential is not None else {}
        plan = PlanFactory(district=educator.district, lead=educator, **extra)
    submission = Submission.objects.create(
        district=educator.district, plan=plan, educator=educator, status=status
    )
    fields = {}
    if status != SubmissionStatus.DRAFT:
        fields["plan_submitted_at"] = now
    count = 0
    if status in (
        SubmissionStatus.SUBMITTED_FOR_REVIEW,
        SubmissionStatus.NOT_YET,
        SubmissionStatus.EARNED,
    ):
        count = 1
    if status == SubmissionStatus.RESUBMITTED:
        count = 2
    if attempts is not None:
        count = attempts
    for number in range(1, count + 1):
        Attempt.objects.create(submission=submission, number=number)
    if count:
        fields["attempt_count"] = count
        fields["submitted_for_review_at"] = now
    if fields:
        Submission.objects.filter(pk=submission.pk).update(**fields)
        submission.refresh_from_db()
    return submission
