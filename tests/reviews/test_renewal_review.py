"""Reviewers read that a submission is a renewal, and which award it renews."""

import pytest
from django.urls import reverse

from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.badges.factories import AwardFactory

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("stage", ["plan", "final"])
def test_the_review_page_says_it_is_a_renewal_and_of_what(client, panel, teacher, stage):
    earned = submission_in(SubmissionStatus.EARNED, educator=teacher)
    Submission.objects.filter(pk=earned.pk).update(decided_at=earned.created_at)
    old = AwardFactory(submission=Submission.objects.get(pk=earned.pk))
    status = (
        SubmissionStatus.PLAN_SUBMITTED
        if stage == "plan"
        else SubmissionStatus.SUBMITTED_FOR_REVIEW
    )
    renewal = submission_in(status, educator=teacher, microcredential=earned.plan.microcredential)
    Submission.objects.filter(pk=renewal.pk).update(renews=earned)
    [pk, *_] = assign_reviewers(renewal.pk, stage)
    assignment = ReviewAssignment.objects.get(pk=pk)
    client.force_login(assignment.reviewer)

    page = client.get(reverse("reviews:review", args=[pk])).content.decode()

    assert "A renewal" in page
    assert str(old.uuid) in page
    assert reverse("badges:verify", kwargs={"award_uuid": old.uuid}) in page


def test_a_first_earning_says_nothing_of_renewal(client, panel, teacher):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    [pk, *_] = assign_reviewers(submission.pk, "final")
    client.force_login(ReviewAssignment.objects.get(pk=pk).reviewer)
    assert "A renewal" not in client.get(reverse("reviews:review", args=[pk])).content.decode()
