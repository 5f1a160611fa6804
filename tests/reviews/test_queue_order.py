"""The reviewer's queue: oldest round first, read from each assignment's copy of when its round
opened; what it lists and what it counts agree."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import ReviewAssignment, StageReview
from reviews.services import assignment_reassign
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from submissions.services import submission_withdraw
from tests.accounts.factories import EducatorFactory

from .factories import PanelFactory, submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


def _plan_waiting(educator) -> Submission:
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")
    return submission


def test_an_assignment_keeps_when_its_round_opened(panel, teacher):
    submission = _plan_waiting(teacher)
    round_ = StageReview.objects.get(submission=submission)
    for assignment in ReviewAssignment.objects.filter(stage_review=round_):
        assert assignment.opened_at == round_.opened_at


def test_a_review_passed_on_keeps_its_place_by_its_round(
    client, district, teacher, reviewers, chair
):
    """Passed on after a newer plan arrived, an older plan still comes first: the queue goes by
    when the round opened, not by when the review was handed to this reviewer."""
    district.plan_reviewers_required = 1
    district.save()
    first, second = reviewers[:2]
    PanelFactory(district=district, chair=chair, members=[first, second])
    older = _plan_waiting(teacher)
    newer = _plan_waiting(EducatorFactory(district=district, building=teacher.building))
    held_by_first = ReviewAssignment.objects.get(submission=older)
    assert held_by_first.reviewer == first
    assert ReviewAssignment.objects.get(submission=newer).reviewer == second

    passed_on = assignment_reassign(assignment=held_by_first, to_reviewer=second, actor=chair)

    assert passed_on.assigned_at > ReviewAssignment.objects.get(submission=newer).assigned_at
    assert passed_on.opened_at == StageReview.objects.get(submission=older).opened_at
    client.force_login(second)
    shown = client.get(reverse("reviews:queue")).context["items"]
    assert [item.submission_id for item in shown] == [older.pk, newer.pk]


def test_the_queue_lists_and_counts_only_what_still_waits(client, district, panel, reviewers):
    district.plan_reviewers_required = 3
    district.save()
    educators = [EducatorFactory(district=district) for _ in range(4)]
    waiting, withdrawn, with_chair, decided = (_plan_waiting(e) for e in educators)
    submission_withdraw(submission=withdrawn, actor=educators[1])
    StageReview.objects.filter(submission=with_chair).update(status=StageReview.Status.CHAIR)
    StageReview.objects.filter(submission=decided).update(status=StageReview.Status.DECIDED)

    client.force_login(reviewers[0])
    response = client.get(reverse("reviews:queue"))

    assert [item.submission_id for item in response.context["items"]] == [waiting.pk]
    assert response.context["counts"] == {"plan": 1, "final": 0, "overdue": 0}


def test_a_queue_page_costs_the_same_queries_at_3_and_at_60_waiting(
    client, district, reviewers, django_assert_num_queries
):
    PanelFactory(district=district, members=[reviewers[0]])
    district.plan_reviewers_required = 1
    district.save()
    client.force_login(reviewers[0])
    for _ in range(3):
        _plan_waiting(EducatorFactory(district=district))
    # Inside the test's transaction the queue stamp is not trusted: the counts are counted
    # (the person, the stamp, the counts, a page of the plan stage, the chair check, the
    # badge); the final stage, where nothing waits, is not asked for a page.
    with django_assert_num_queries(6):
        small = client.get(reverse("reviews:queue"))
    for _ in range(57):
        _plan_waiting(EducatorFactory(district=district))
    with django_assert_num_queries(6):
        large = client.get(reverse("reviews:queue"))
    assert small.content.decode().count("Nothing is waiting for you here.") == 1
    assert len(small.context["items"]) == 3
    assert len(large.context["items"]) == 50 and large.context["counts"]["plan"] == 60


def test_the_migration_gives_existing_assignments_their_rounds_opening_time(panel, teacher):
    submission = _plan_waiting(teacher)
    round_ = StageReview.objects.get(submission=submission)
    ReviewAssignment.objects.filter(stage_review=round_).update(opened_at=round_.due_at)
    migration = importlib.import_module("reviews.migrations.0003_assignment_opened_at")

    migration.copy_round_opened_at(apps, None)

    assert set(
        ReviewAssignment.objects.filter(stage_review=round_).values_list("opened_at", flat=True)
    ) == {round_.opened_at}


@pytest.mark.parametrize("stage", ["plan", "final"])
def test_a_review_page_costs_the_same_queries_however_much_waits(
    client, district, panel, reviewers, teacher, stage
):
    """The page reads one review: forty more plans and reviews in the district, waiting for
    the same reviewer, add no query."""
    district.plan_reviewers_required = district.final_reviewers_required = 3
    district.save()
    status = SubmissionStatus.PLAN_SUBMITTED if stage == "plan" else "submitted_for_review"
    submission = submission_in(status, educator=teacher)
    assign_reviewers(submission.pk, stage)
    mine = ReviewAssignment.objects.get(submission=submission, reviewer=reviewers[0])
    url = reverse("reviews:review", args=[mine.pk])
    client.force_login(reviewers[0])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(20):
        educator = EducatorFactory(district=district)
        for other_status, other_stage in (
            (SubmissionStatus.PLAN_SUBMITTED, "plan"),
            ("submitted_for_review", "final"),
        ):
            assign_reviewers(submission_in(other_status, educator=educator).pk, other_stage)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_chair_reads_the_rounds_waiting_for_them_and_a_member_of_the_panel_none(
    client, panel, chair, reviewers, teacher, django_assert_num_queries
):
    submission = _plan_waiting(teacher)
    StageReview.objects.filter(submission=submission).update(
        status=StageReview.Status.CHAIR, chair_reason=StageReview.ChairReason.DISAGREEMENT
    )

    client.force_login(chair)
    response = client.get(reverse("reviews:queue"))
    [waiting] = response.context["chair_rounds"]
    assert waiting.submission_id == submission.pk
    assert "Waiting for your decision as chair (1)" in response.content.decode()

    client.force_login(reviewers[0])
    # The person, the queue stamp and counts, the chair check, the badge: no page of a stage
    # (the round is with the chair, nothing waits for the reviewer), no query for the chair's
    # rounds.
    with django_assert_num_queries(5):
        response = client.get(reverse("reviews:queue"))
    assert response.context["chair_rounds"] == []
    assert "Waiting for your decision as chair" not in response.content.decode()
