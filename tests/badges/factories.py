"""Earned submissions, ready for issuance; award records for tests that only count them."""

import factory
from django.utils import timezone

from badges.models import Award
from submissions.models import Submission
from tests.credentials.factories import MicroCredentialFactory, StackFactory
from tests.submissions.factories import PlanFactory, SubmissionFactory, complete_plan


def earned_submission(*, educator, microcredential=None, **credential_fields) -> Submission:
    """A submission of ``educator`` already moved to earned (as the panel's decision does)."""
    if microcredential is None:
        fields = {
            "title": "Classroom Routines",
            "competency": "The educator teaches, models and reinforces classroom routines.",
            "estimated_hours": 15,
            "pd_points": 1.5,
            "stack": StackFactory(district=educator.district, color="#2a6f4e"),
            "tags": "classroom management, routines",
        }
        fields.update(credential_fields)
        microcredential = MicroCredentialFactory(district=educator.district, **fields)
    plan = PlanFactory(lead=educator, district=educator.district, microcredential=microcredential)
    complete_plan(plan)
    return SubmissionFactory(
        plan=plan,
        educator=educator,
        district=educator.district,
        status=Submission.Status.EARNED,
        decided_at=timezone.now(),
    )


class AwardFactory(factory.django.DjangoModelFactory):
    """The record of an issued award of an earned ``submission`` (no files, no signature):
    what reports and progress cards count. Issuance itself is tested through its service."""

    class Meta:
        model = Award

    district = factory.SelfAttribute("submission.district")
    educator = factory.SelfAttribute("submission.educator")
    microcredential = factory.SelfAttribute("submission.plan.microcredential")
    state = Award.State.ISSUED
    issued_at = factory.LazyAttribute(lambda award: award.submission.decided_at or timezone.now())
    status_list_index = factory.Sequence(lambda n: n)
    recipient_salt = factory.Sequence(lambda n: f"{n:032x}")
