"""The whole status table: every allowed and every refused move, through ``submission_move``
and through the educator's services."""

import pytest

from accounts.models import AuditEvent
from artifacts.models import Artifact
from submissions import services
from submissions.models import Attempt, Submission
from submissions.transitions import ALLOWED_MOVES, TransitionError, submission_move
from tests.submissions.factories import SubmissionFactory, complete_plan

Status = Submission.Status
ALL_PAIRS = [(a, b) for a in Status.values for b in Status.values]


@pytest.fixture
def submission(educator):
    return SubmissionFactory(plan__lead=educator)


def put(submission: Submission, status: str) -> Submission:
    Submission.objects.filter(pk=submission.pk).update(status=status)
    submission.refresh_from_db()
    return submission


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_submission_move_follows_the_table(submission, reviewer, from_status, to_status):
    put(submission, from_status)
    if to_status in ALLOWED_MOVES[from_status]:
        moved = submission_move(
            submission_id=submission.pk, to_status=to_status, actor=reviewer, action="test"
        )
        assert moved.status == to_status
        event = AuditEvent.objects.get(target_id=submission.pk, action="test")
        assert (event.from_status, event.to_status) == (from_status, to_status)
    else:
        with pytest.raises(TransitionError) as refused:
            submission_move(
                submission_id=submission.pk, to_status=to_status, actor=reviewer, action="test"
            )
        assert Status(from_status).label in str(refused.value)
        submission.refresh_from_db()
        assert submission.status == from_status
        assert not AuditEvent.objects.filter(target_id=submission.pk, action="test").exists()


def ready_for_review(submission: Submission) -> Submission:
    """Results, reflection and one accepted artifact: what a submission for review needs."""
    Submission.objects.filter(pk=submission.pk).update(
        impact_results="Transitions fell from 9 to 4 minutes.",
        reflection_practice="Rehearsal mattered most.",
        reflection_feedback="Students asked to keep the timer.",
        reflection_changes="Teach routines in the first two weeks.",
    )
    Artifact.objects.create(
        district=submission.district,
        submission=submission,
        kind=Artifact.Kind.LINK,
        title="Timing log",
        url="https://example.org/log",
        status=Artifact.Status.ACCEPTED,
    )
    submission.refresh_from_db()
    return submission


# Each educator service: the statuses it moves from, and where to.
SERVICES = {
    "submission_submit_plan": ({Status.DRAFT, Status.CHANGES_REQUESTED}, Status.PLAN_SUBMITTED),
    "submission_start_work": ({Status.PLAN_APPROVED}, Status.IN_PROGRESS),
    "submission_submit_for_review": ({Status.IN_PROGRESS}, Status.SUBMITTED_FOR_REVIEW),
    "submission_resubmit": ({Status.NOT_YET}, Status.RESUBMITTED),
    "submission_withdraw": (
        {
            Status.DRAFT,
            Status.PLAN_SUBMITTED,
            Status.CHANGES_REQUESTED,
            Status.PLAN_APPROVED,
            Status.IN_PROGRESS,
            Status.NOT_YET,
        },
        Status.WITHDRAWN,
    ),
}


@pytest.mark.parametrize(
    ("service_name", "from_status"),
    [(name, status) for name in SERVICES for status in Status.values],
)
def test_each_service_moves_only_from_its_statuses(submission, service_name, from_status):
    complete_plan(submission.plan)
    ready_for_review(submission)
    put(submission, from_status)
    allowed_from, to_status = SERVICES[service_name]
    service = getattr(services, service_name)
    if from_status in allowed_from:
        moved = service(submission=submission, actor=submission.educator)
        assert moved.status == to_status
        assert AuditEvent.objects.filter(
            target_id=submission.pk, action=f"submission.{service_name.removeprefix('submission_')}"
        ).exists()
    else:
        with pytest.raises(TransitionError):
            service(submission=submission, actor=submission.educator)
        submission.refresh_from_db()
        assert submission.status == from_status


@pytest.mark.parametrize("service_name", SERVICES)
def test_only_the_submissions_educator_may_move_it(submission, other_educator, service_name):
    complete_plan(submission.plan)
    allowed_from, _ = SERVICES[service_name]
    put(submission, sorted(allowed_from)[0])
    with pytest.raises(TransitionError, match="Only the educator"):
        getattr(services, service_name)(submission=submission, actor=other_educator)
    submission.refresh_from_db()
    assert submission.status == sorted(allowed_from)[0]


def test_an_incomplete_plan_is_refused_with_the_list_of_what_is_missing(submission):
    with pytest.raises(services.IncompleteError) as refused:
        services.submission_submit_plan(submission=submission, actor=submission.educator)
    labels = [label for label, _ in refused.value.missing]
    assert labels == ["Overview", "Basis of Knowledge", "Implementation", "Impact"]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    assert submission.plan_submitted_at is None


def test_submitting_the_plan_queues_the_plan_review_on_commit(
    submission, django_capture_on_commit_callbacks, monkeypatch
):
    complete_plan(submission.plan)
    queued = []
    from reviews import tasks

    monkeypatch.setattr(tasks.assign_reviewers, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit_plan(submission=submission, actor=submission.educator)
    assert queued == [(submission.pk, "plan")]
    submission.refresh_from_db()
    assert submission.plan_submitted_at is not None


def test_submitting_for_review_opens_attempt_one_and_freezes_accepted_evidence(
    submission, django_capture_on_commit_callbacks, monkeypatch
):
    ready_for_review(submission)
    refused = Artifact.objects.create(
        district=submission.district,
        submission=submission,
        kind=Artifact.Kind.LINK,
        title="Refused",
        url="https://example.org/x",
        status=Artifact.Status.REFUSED,
    )
    put(submission, Status.IN_PROGRESS)
    queued = []
    from reviews import tasks

    monkeypatch.setattr(tasks.assign_reviewers, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit_for_review(submission=submission, actor=submission.educator)
    attempt = Attempt.objects.get(submission=submission)
    assert attempt.number == 1
    accepted = Artifact.objects.get(submission=submission, status=Artifact.Status.ACCEPTED)
    assert accepted.attempt == attempt
    refused.refresh_from_db()
    assert refused.attempt is None
    submission.refresh_from_db()
    assert submission.attempt_count == 1
    assert submission.submitted_for_review_at is not None
    assert queued == [(submission.pk, "final")]


def test_resubmission_opens_the_next_attempt_with_only_new_evidence(submission):
    ready_for_review(submission)
    put(submission, Status.IN_PROGRESS)
    services.submission_submit_for_review(submission=submission, actor=submission.educator)
    put(submission, Status.NOT_YET)
    new = Artifact.objects.create(
        district=submission.district,
        submission=submission,
        kind=Artifact.Kind.LINK,
        title="Better video",
        url="https://example.org/video",
        status=Artifact.Status.ACCEPTED,
    )
    services.submission_resubmit(submission=submission, actor=submission.educator)
    new.refresh_from_db()
    assert new.attempt.number == 2
    assert Artifact.objects.filter(attempt__number=1).count() == 1
    submission.refresh_from_db()
    assert (submission.status, submission.attempt_count) == (Status.RESUBMITTED, 2)


def test_resubmission_respects_the_districts_limit_of_attempts(submission):
    ready_for_review(submission)
    district = submission.district
    district.max_attempts = 1
    district.save()
    put(submission, Status.IN_PROGRESS)
    services.submission_submit_for_review(submission=submission, actor=submission.educator)
    put(submission, Status.NOT_YET)
    with pytest.raises(TransitionError, match="all 1 attempts"):
        services.submission_resubmit(submission=submission, actor=submission.educator)
    submission.refresh_from_db()
    assert (submission.status, submission.attempt_count) == (Status.NOT_YET, 1)
    assert Attempt.objects.filter(submission=submission).count() == 1


def test_submission_for_review_needs_results_reflection_and_evidence(submission):
    put(submission, Status.IN_PROGRESS)
    with pytest.raises(services.IncompleteError) as refused:
        services.submission_submit_for_review(submission=submission, actor=submission.educator)
    missing = dict(refused.value.missing)
    assert "Add at least one piece of evidence that has been accepted." in missing["Impact"]
    assert len(missing["Reflection"]) == 3
    assert not Attempt.objects.exists()
    submission.refresh_from_db()
    assert submission.status == Status.IN_PROGRESS


def test_a_retired_entry_cannot_take_a_plan_submission(submission):
    complete_plan(submission.plan)
    entry = submission.plan.microcredential
    entry.status = "retired"
    entry.save()
    with pytest.raises(TransitionError, match="retired"):
        services.submission_submit_plan(submission=submission, actor=submission.educator)
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
