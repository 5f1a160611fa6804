import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from credentials.models import Rubric, RubricLevel
from notifications.models import Notification
from reviews import selectors, services
from reviews.models import CriterionScore, ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Attempt, Submission

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_off(monkeypatch):
    """The submissions handed to issuance (the badges issue's task), in order."""
    from badges.tasks import issue_award

    calls: list[int] = []
    monkeypatch.setattr(issue_award, "delay", lambda pk: calls.append(pk))
    return calls


def reviews_of(submission):
    assign_reviewers(submission.pk, "final")
    return list(
        ReviewAssignment.objects.filter(submission=submission, stage="final", status="pending")
    )


def score(assignment, verdicts: list[bool], comment="Strong evidence.", feedback=None):
    criteria = list(assignment.submission.plan.microcredential.rubric.criteria.all())
    levels = {}
    for criterion, passed in zip(criteria, verdicts, strict=True):
        levels[criterion.pk] = RubricLevel.objects.get(
            criterion=criterion, score=2 if passed else 1
        ).pk
    return services.scores_submit(
        assignment=assignment,
        levels=levels,
        feedback=feedback or {criteria[0].pk: "Clear routines in the video."},
        overall_comment=comment,
        actor=assignment.reviewer,
    )


def test_two_reviewers_passing_every_criterion_earn_and_hand_off(
    panel, teacher, handed_off, django_capture_on_commit_callbacks
):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, second = reviews_of(submission)
    with django_capture_on_commit_callbacks(execute=True):
        score(first, [True, True])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED_FOR_REVIEW and handed_off == []
    with django_capture_on_commit_callbacks(execute=True):
        score(second, [True, True])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED
    assert handed_off == [submission.pk]
    attempt = Attempt.objects.get(submission=submission)
    assert attempt.outcome == SubmissionStatus.EARNED and attempt.decided_at is not None
    assert CriterionScore.objects.filter(attempt=attempt).count() == 4
    assert Notification.objects.get(recipient=teacher).kind == "earned"


def test_not_yet_returns_to_the_educator_with_feedback(panel, teacher, handed_off):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, second = reviews_of(submission)
    score(first, [True, False], comment="Impact data is missing.")
    score(second, [True, False], comment="Add the weekly measures.")
    submission.refresh_from_db()
    round_ = StageReview.objects.get(submission=submission)
    assert submission.status == SubmissionStatus.NOT_YET
    assert round_.outcome == SubmissionStatus.NOT_YET
    assert "Impact data is missing." in round_.reason
    assert handed_off == []
    note = Notification.objects.get(recipient=teacher)
    assert note.kind == "scored" and "resubmit" in note.body


def test_minimum_passing_rule_of_the_rubric(panel, teacher, handed_off):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    Rubric.objects.filter(microcredential=submission.plan.microcredential).update(
        passing_rule=Rubric.PassingRule.MINIMUM, minimum_passing_criteria=1
    )
    first, second = reviews_of(submission)
    score(first, [True, False])
    score(second, [True, False])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED


def split_decision(teacher) -> Submission:
    """Evidence the two reviewers disagree on: one passes the second criterion, one does not."""
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, second = reviews_of(submission)
    score(first, [True, True])
    score(second, [True, False])
    return submission


def test_disagreement_is_flagged_and_goes_to_the_chair(
    panel, teacher, chair, handed_off, django_capture_on_commit_callbacks
):
    submission = split_decision(teacher)
    submission.refresh_from_db()
    round_ = StageReview.objects.get(submission=submission)
    assert submission.status == SubmissionStatus.SUBMITTED_FOR_REVIEW
    assert round_.status == "chair" and round_.chair_reason == "disagreement"
    agreed, disagreed = selectors.round_agreement(round_)
    assert len(agreed) == 1 and len(disagreed) == 1
    assert chair.notifications.filter(kind="chair").exists()
    with pytest.raises(services.ReviewError, match="Explain"):
        services.final_chair_decide(stage_review=round_, outcome="earned", reason="", actor=chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.final_chair_decide(
            stage_review=round_, outcome="earned", reason="The video shows it.", actor=chair
        )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED
    assert handed_off == [submission.pk]


def test_district_requires_the_chair_to_confirm(
    district, panel, teacher, chair, handed_off, django_capture_on_commit_callbacks
):
    district.require_chair_confirmation = True
    district.save()
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, second = reviews_of(submission)
    score(first, [True, True])
    score(second, [True, True])
    submission.refresh_from_db()
    round_ = StageReview.objects.get(submission=submission)
    assert submission.status == SubmissionStatus.SUBMITTED_FOR_REVIEW
    assert (
        round_.chair_reason == "confirmation" and round_.recommendation == SubmissionStatus.EARNED
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.final_chair_decide(stage_review=round_, outcome="earned", reason="", actor=chair)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED and handed_off == [submission.pk]


def test_resubmission_is_a_new_round_and_history_stays(panel, teacher, handed_off):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, second = reviews_of(submission)
    score(first, [False, True])
    score(second, [False, True])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NOT_YET
    # The educator resubmits (the plan helper's move opens attempt 2).
    Attempt.objects.create(submission=submission, number=2)
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.RESUBMITTED, attempt_count=2
    )
    again = reviews_of(submission)
    assert {a.reviewer_id for a in again} == {first.reviewer_id, second.reviewer_id}
    for assignment in again:
        score(assignment, [True, True])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED
    rounds = list(StageReview.objects.filter(submission=submission).order_by("round"))
    assert [(r.round, r.outcome) for r in rounds] == [
        (1, SubmissionStatus.NOT_YET),
        (2, SubmissionStatus.EARNED),
    ]
    assert CriterionScore.objects.filter(attempt__number=1).count() == 4
    assert CriterionScore.objects.filter(attempt__number=2).count() == 4


def test_last_attempt_is_said_in_the_notification(district, panel, teacher, handed_off):
    district.max_attempts = 1
    district.save()
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    for assignment in reviews_of(submission):
        score(assignment, [False, False])
    assert "last permitted attempt" in Notification.objects.get(recipient=teacher).body


def test_every_criterion_needs_a_level_of_its_own(panel, teacher):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, _ = reviews_of(submission)
    criteria = list(submission.plan.microcredential.rubric.criteria.all())
    with pytest.raises(services.ReviewError, match="every criterion"):
        services.scores_submit(
            assignment=first,
            levels={criteria[0].pk: criteria[0].levels.first().pk},
            feedback={},
            overall_comment="x",
            actor=first.reviewer,
        )
    with pytest.raises(services.ReviewError, match="Choose one of the levels"):
        services.scores_submit(
            assignment=first,
            levels={criteria[0].pk: criteria[1].levels.first().pk, criteria[1].pk: 0},
            feedback={},
            overall_comment="x",
            actor=first.reviewer,
        )
    assert not CriterionScore.objects.exists()


def test_only_the_assigned_reviewer_scores(panel, teacher, chair):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first, second = reviews_of(submission)
    with pytest.raises(PermissionDenied):
        services.scores_submit(
            assignment=first, levels={}, feedback={}, overall_comment="", actor=second.reviewer
        )
    with pytest.raises(PermissionDenied):
        services.scores_submit(
            assignment=first, levels={}, feedback={}, overall_comment="", actor=chair
        )


def test_a_plan_review_cannot_be_scored(panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(submission=submission)
    with pytest.raises(services.ReviewError, match="another stage"):
        services.scores_submit(
            assignment=assignment,
            levels={},
            feedback={},
            overall_comment="",
            actor=assignment.reviewer,
        )


def test_a_chair_who_forgets_the_explanation_keeps_her_choice_on_the_page(
    client, panel, teacher, chair, handed_off
):
    submission = split_decision(teacher)
    round_ = StageReview.objects.get(submission=submission)
    client.force_login(chair)
    url = reverse("reviews:chair_decide", args=[round_.pk])
    response = client.post(url, {"outcome": "earned", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Explain the decision to the educator." in page
    assert page.count("Please correct the following") == 1
    assert re.search(r'value="earned"[^>]*checked', page)
    # The other way round: what she wrote stays, and the missing decision is named.
    response = client.post(url, {"reason": "The video shows the routine working."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The video shows the routine working." in page
    assert "Decision: This field is required." in page
    round_.refresh_from_db()
    assert round_.status == "chair" and handed_off == []
