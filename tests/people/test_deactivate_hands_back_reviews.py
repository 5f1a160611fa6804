"""Deactivating a reviewer from the people list: the confirmation says how many reviews wait for
them and what becomes of them; the reviews go on to other reviewers, the chair is told."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from reviews.models import ReviewAssignment
from reviews.services import reviewers_assign
from submissions.models import Submission
from tests.accounts.factories import BuildingFactory, EducatorFactory, ReviewerFactory
from tests.reviews.factories import PanelFactory, submission_in

pytestmark = pytest.mark.django_db
Status = Submission.Status


@pytest.fixture
def school(district):
    return BuildingFactory(district=district, name="Prairie View Middle")


@pytest.fixture
def chair(district, school):
    return ReviewerFactory(district=district, building=school, email="dana@pv.example.org")


def waiting_plans(district, reviewer, count):
    """``count`` plans assigned as usual, then set up to wait for ``reviewer``."""
    submissions = [
        submission_in(Status.PLAN_SUBMITTED, educator=EducatorFactory(district=district))
        for _ in range(count)
    ]
    for submission in submissions:
        reviewers_assign(submission_id=submission.pk, stage="plan")
    ReviewAssignment.objects.filter(submission__in=submissions).update(reviewer=reviewer)
    return submissions


def confirmation(html: str, person) -> str:
    action = reverse("people:person_deactivate", args=[person.pk])
    for details in re.findall(r'<details class="confirm-deactivate">(.*?)</details>', html, re.S):
        if action in details:
            return " ".join(re.sub(r"<[^>]+>", "", details).split())
    raise AssertionError(f"No confirmation for {person}")


def test_the_confirmation_names_the_waiting_and_overdue_reviews(
    client, district, district_admin, school, chair, educator
):
    ray = ReviewerFactory(district=district, first_name="Ray", last_name="Okafor")
    submissions = waiting_plans(district, ray, 3)
    ReviewAssignment.objects.filter(submission=submissions[0]).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    # The review of a plan since withdrawn no longer waits.
    Submission.objects.filter(pk=submissions[1].pk).update(status=Status.WITHDRAWN)
    client.force_login(district_admin)
    page = client.get(reverse("people:list")).content.decode()
    said = confirmation(page, ray)
    assert "Ray Okafor has 2 reviews waiting, 1 of them overdue." in said
    assert "Each goes to another reviewer of its panel" in said
    assert "flagged for the panel chair" in said
    # Nobody waits for the educator's review: nothing is said about reviews.
    assert "review" not in confirmation(page, educator).lower()


def test_the_list_counts_waiting_reviews_without_a_query_per_person(
    client, district, district_admin, chair
):
    first = ReviewerFactory(district=district)
    waiting_plans(district, first, 2)
    client.force_login(district_admin)
    client.get(reverse("people:list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("people:list"))
    for _ in range(6):
        waiting_plans(district, ReviewerFactory(district=district), 2)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("people:list"))
    assert len(large) == len(small)
    counted = [p.reviews_waiting for p in response.context["page"] if p.is_reviewer]
    assert counted.count(2) == 7


def test_deactivating_hands_the_reviews_on_and_tells_the_admin_and_the_chair(
    client, district, district_admin, school, chair
):
    ray = ReviewerFactory(district=district, first_name="Ray", last_name="Okafor")
    jordan = ReviewerFactory(district=district, first_name="Jordan", last_name="Bell")
    PanelFactory(district=district, chair=chair, members=[ray, jordan])
    submission = submission_in(Status.PLAN_SUBMITTED, educator=EducatorFactory(district=district))
    reviewers_assign(submission_id=submission.pk, stage="plan")
    ReviewAssignment.objects.filter(submission=submission).update(reviewer=ray)
    client.force_login(district_admin)

    response = client.post(reverse("people:person_deactivate", args=[ray.pk]), follow=True)

    said = " ".join(response.content.decode().split())
    assert "Ray Okafor was deactivated; their records and awards stay." in said
    assert "1 waiting review went to other reviewers." in said
    (waiting,) = ReviewAssignment.objects.filter(submission=submission, status="pending")
    assert waiting.reviewer == jordan
    assert Notification.objects.filter(recipient=chair, title__startswith="Ray Okafor was").exists()
    submission.refresh_from_db()
    assert submission.status == Status.PLAN_SUBMITTED
