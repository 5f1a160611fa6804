"""Which rounds wait for a person's decision as chair: their panels', and for a district admin
those whose panel has no active chair (none, or deactivated), as the chair's notices go."""

import pytest
from django.urls import reverse

from people.services import person_deactivate
from reviews import selectors, services
from reviews.models import ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def split_round(district, panel, teacher):
    """A plan its two reviewers split on: it waits for the chair."""
    district.plan_reviewers_required = 2
    district.save()
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    first, second = ReviewAssignment.objects.filter(submission=submission).order_by("pk")
    services.plan_decide(assignment=first, decision="approve", reason="", actor=first.reviewer)
    services.plan_decide(
        assignment=second, decision="decline", reason="Out of scope.", actor=second.reviewer
    )
    round_ = StageReview.objects.get(submission=submission)
    assert round_.status == StageReview.Status.CHAIR
    return round_


def test_the_rounds_of_a_deactivated_chair_wait_for_the_district_admins(
    client, split_round, chair, district_admin, outsider_admin
):
    assert selectors.rounds_waiting_for_chair(user=district_admin) == []  # the chair decides
    person_deactivate(person=chair, actor=district_admin)

    assert selectors.rounds_waiting_for_chair(user=district_admin) == [split_round]
    assert selectors.rounds_waiting_for_chair(user=outsider_admin) == []
    client.force_login(district_admin)
    page = client.get(reverse("reviews:rounds"))
    assert page.context["chair_rounds"] == [split_round]
    html = page.content.decode()
    assert "Waiting for your decision as chair (1)" in html
    assert f"{chair.display_name} was deactivated: you decide in the chair’s place" in html
    assert f'href="{reverse("reviews:round", args=[split_round.pk])}"' in html


def test_a_chair_sees_their_own_rounds_waiting_on_the_open_reviews_page(
    client, split_round, chair, district_admin
):
    client.force_login(chair)
    page = client.get(reverse("reviews:rounds"))
    assert page.context["chair_rounds"] == [split_round]
    assert "you decide in the chair’s place" not in page.content.decode()
