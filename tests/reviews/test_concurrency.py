"""Two reviewers deciding at the same moment, in two threads on PostgreSQL: one outcome."""

import threading

import pytest
from django.db import connection

from accounts.models import AuditEvent
from reviews import services
from reviews.models import ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*jobs):
    """Start every job at the same barrier; return what each raised (or None)."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException | None] = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=10)
            job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_reviewers_approving_at_once_produce_one_outcome(district, panel, teacher):
    district.plan_reviewers_required = 2
    district.save()
    for _ in range(5):
        submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
        assign_reviewers(submission.pk, "plan")
        first, second = ReviewAssignment.objects.filter(submission=submission)
        errors = run_together(
            lambda a=first: services.plan_decide(
                assignment=a, decision="approve", reason="", actor=a.reviewer
            ),
            lambda a=second: services.plan_decide(
                assignment=a, decision="approve", reason="", actor=a.reviewer
            ),
        )
        assert errors == [None, None]
        submission.refresh_from_db()
        assert submission.status == SubmissionStatus.PLAN_APPROVED
        moves = AuditEvent.objects.filter(
            target_type="submissions.submission",
            target_id=submission.pk,
            to_status=SubmissionStatus.PLAN_APPROVED,
        )
        assert moves.count() == 1
        assert StageReview.objects.get(submission=submission).status == "decided"


def test_two_reviewers_scoring_at_once_earn_once(district, panel, teacher, monkeypatch):
    from badges.tasks import issue_award

    handed: list[int] = []
    monkeypatch.setattr(issue_award, "delay", lambda pk: handed.append(pk))
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    assign_reviewers(submission.pk, "final")
    first, second = ReviewAssignment.objects.filter(submission=submission)
    criteria = list(submission.plan.microcredential.rubric.criteria.all())
    levels = {c.pk: c.levels.get(score=2).pk for c in criteria}

    def job(assignment):
        return lambda: services.scores_submit(
            assignment=assignment,
            levels=levels,
            feedback={},
            overall_comment="Met.",
            actor=assignment.reviewer,
        )

    errors = run_together(job(first), job(second))
    assert errors == [None, None]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED
    assert handed == [submission.pk]
    assert (
        AuditEvent.objects.filter(
            target_id=submission.pk, to_status=SubmissionStatus.EARNED
        ).count()
        == 1
    )


def test_one_decision_twice_at_once_is_recorded_once(district, panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [pk] = assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(pk=pk)
    errors = run_together(
        lambda: services.plan_decide(
            assignment=assignment, decision="approve", reason="", actor=assignment.reviewer
        ),
        lambda: services.plan_decide(
            assignment=assignment,
            decision="decline",
            reason="No.",
            actor=assignment.reviewer,
        ),
    )
    refused = [e for e in errors if e is not None]
    assert len(refused) == 1 and isinstance(refused[0], services.ReviewError)
    submission.refresh_from_db()
    assert submission.status in (SubmissionStatus.PLAN_APPROVED, SubmissionStatus.DECLINED)
    assert AuditEvent.objects.filter(action="review.plan_decision").count() == 1
