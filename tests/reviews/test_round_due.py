"""When a round is due, and whether it is overdue, after its reviews are handed on.

A review given to someone else (by the chair, or when its reviewer is deactivated) gets the
district's full turnaround: the round is overdue only while one of the reviews it still waits
for is, and its outcome is not due before its latest review."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from people.services import person_deactivate
from reviews import selectors, services
from reviews.models import ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import DistrictAdminFactory

from .factories import submission_in

SubmissionStatus = Submission.Status
Status = ReviewAssignment.Status
pytestmark = pytest.mark.django_db
OVERDUE_BADGE = '<span class="status status-overdue">Overdue</span>'


def overdue_round(district, teacher, stage, reviewers_required):
    """A round of ``teacher``'s submission whose reviews were all due three days ago."""
    setattr(district, f"{stage}_reviewers_required", reviewers_required)
    district.save()
    waits = {
        "plan": SubmissionStatus.PLAN_SUBMITTED,
        "final": SubmissionStatus.SUBMITTED_FOR_REVIEW,
    }
    submission = submission_in(waits[stage], educator=teacher)
    assign_reviewers(submission.pk, stage)
    round_ = StageReview.objects.get(submission=submission)
    past = timezone.now() - timedelta(days=3)
    StageReview.objects.filter(pk=round_.pk).update(due_at=past)
    ReviewAssignment.objects.filter(stage_review=round_).update(due_at=past)
    return round_, list(ReviewAssignment.objects.filter(stage_review=round_).order_by("pk"))


def test_a_reassigned_review_takes_its_round_out_of_overdue(
    client, district, panel, teacher, reviewers, chair
):
    round_, (late,) = overdue_round(district, teacher, "plan", 1)
    client.force_login(chair)
    assert OVERDUE_BADGE in client.get(reverse("reviews:rounds")).content.decode()
    other = next(r for r in reviewers if r != late.reviewer)

    new = services.assignment_reassign(assignment=late, to_reviewer=other, actor=chair)

    listing = client.get(reverse("reviews:rounds"))
    (shown,) = listing.context["rounds"]
    assert shown.due_on == new.due_at and not shown.is_overdue
    assert OVERDUE_BADGE not in listing.content.decode()
    page = client.get(reverse("reviews:round", args=[round_.pk]))
    assert OVERDUE_BADGE not in page.content.decode()
    assert page.context["stage_review"].due_on == new.due_at
    # The educator is told the outcome is due when the new review is.
    round_.refresh_from_db()
    assert round_.due_at == new.due_at


def test_a_round_stays_overdue_while_another_of_its_reviews_is_late(
    client, district, panel, teacher, reviewers, chair
):
    round_, (first, still_late) = overdue_round(district, teacher, "final", 2)
    other = next(r for r in reviewers if r not in (first.reviewer, still_late.reviewer))
    services.assignment_reassign(assignment=first, to_reviewer=other, actor=chair)

    client.force_login(chair)
    (shown,) = client.get(reverse("reviews:rounds")).context["rounds"]
    assert shown.is_overdue and shown.due_on == still_late.due_at
    page = client.get(reverse("reviews:round", args=[round_.pk])).content.decode()
    assert OVERDUE_BADGE in page


def test_a_round_handed_on_then_sent_to_the_chair_is_not_overdue_at_once(
    client, district, panel, teacher, reviewers, chair
):
    admin = DistrictAdminFactory(district=district)
    round_, (approving, leaving) = overdue_round(district, teacher, "plan", 2)
    services.plan_decide(
        assignment=approving, decision="approve", reason="", actor=approving.reviewer
    )
    person_deactivate(person=leaving.reviewer, actor=admin)
    (successor,) = ReviewAssignment.objects.filter(stage_review=round_, status=Status.PENDING)
    services.plan_decide(
        assignment=successor,
        decision="request_changes",
        reason="Say how reading minutes are measured.",
        actor=successor.reviewer,
    )
    round_.refresh_from_db()
    assert round_.status == StageReview.Status.CHAIR
    assert round_.due_at == successor.due_at

    # The chair has until the last review's due date: no overdue notice, no badge.
    assert services.overdue_reminders_send(now=timezone.now() + timedelta(hours=1)) == 0
    assert not Notification.objects.filter(recipient=chair, kind="overdue").exists()
    (waiting,) = selectors.rounds_waiting_for_chair(user=chair)
    assert not waiting.is_overdue
    # Past that date, the chair hears of it once.
    later = successor.due_at + timedelta(hours=1)
    assert services.overdue_reminders_send(now=later) == 1
    assert selectors.rounds_waiting_for_chair(user=chair, now=later)[0].is_overdue
