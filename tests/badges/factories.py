"""Earned submissions, ready for issuance; award records for tests that only count them."""

from datetime import timedelta

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


def panel_found(submission: Submission, *scores_by_reviewer: list[int]) -> None:
    """Record the final round that decided ``submission``: one submitted review per list of
    scores, a score per rubric criterion in order (what the panel's scoring leaves behind)."""
    from credentials.models import RubricLevel
    from reviews.models import CriterionScore, ReviewAssignment, StageReview
    from tests.accounts.factories import ReviewerFactory

    now = timezone.now()
    criteria = list(submission.plan.microcredential.rubric.criteria.all())
    stage_review = StageReview.objects.create(
        district=submission.district,
        submission=submission,
        stage="final",
        status=StageReview.Status.DECIDED,
        outcome=Submission.Status.EARNED,
        due_at=now + timedelta(days=7),
        decided_at=now,
    )
    for scores in scores_by_reviewer:
        assignment = ReviewAssignment.objects.create(
            district=submission.district,
            stage_review=stage_review,
            submission=submission,
            stage="final",
            reviewer=ReviewerFactory(district=submission.district),
            status=ReviewAssignment.Status.SUBMITTED,
            opened_at=stage_review.opened_at,
            due_at=now + timedelta(days=7),
            submitted_at=now,
        )
        for criterion, score in zip(criteria, scores, strict=True):
            CriterionScore.objects.create(
                assignment=assignment,
                criterion=criterion,
                level=RubricLevel.objects.get(criterion=criterion, score=score),
                passed=criterion.passes(score),
            )
