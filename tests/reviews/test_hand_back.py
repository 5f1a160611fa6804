"""A reviewer is deactivated: the reviews waiting for them go on to someone who can do them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from credentials.models import RubricLevel
from notifications.models import Notification
from people.services import person_deactivate
from reviews import services
from reviews.models import ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import DistrictAdminFactory, EducatorFactory

from .factories import PanelFactory, submission_in

SubmissionStatus = Submission.Status
Status = ReviewAssignment.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(district):
    return DistrictAdminFactory(district=district, email="ada@pv.example.org")


def pending(submission, stage):
    return list(
        ReviewAssignment.objects.filter(submission=submission, stage=stage, status=Status.PENDING)
    )


def score_all_passed(assignment):
    criteria = list(assignment.submission.plan.microcredential.rubric.criteria.all())
    return services.scores_submit(
        assignment=assignment,
        levels={c.pk: RubricLevel.objects.get(criterion=c, score=2).pk for c in criteria},
        feedback={},
        overall_comment="Strong evidence.",
        actor=assignment.reviewer,
    )


def test_each_waiting_review_goes_to_another_member_of_the_panel(
    district, panel, reviewers, chair, admin
):
    leaving = reviewers[0]
    plans = []
    for _ in range(3):
        educator = EducatorFactory(district=district)
        plans.append(submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator))
    for submission in plans:
        assign_reviewers(submission.pk, "plan")
        # The leaving reviewer holds every one of them (the chair's reassignment, as today).
        assignment = pending(submission, "plan")[0]
        if assignment.reviewer != leaving:
            services.assignment_reassign(assignment=assignment, to_reviewer=leaving, actor=chair)
    # One of them is overdue.
    ReviewAssignment.objects.filter(reviewer=leaving, submission=plans[0]).update(
        due_at=timezone.now() - timedelta(days=2)
    )
    rounds_before = StageReview.objects.count()

    done = person_deactivate(person=leaving, actor=admin)

    assert len(done.reviews.reassigned) == 3 and done.reviews.left_for_chair == []
    for submission in plans:
        submission.refresh_from_db()
        assert submission.status == SubmissionStatus.PLAN_SUBMITTED
        (new,) = pending(submission, "plan")
        assert new.reviewer in reviewers[1:]
        assert new.due_at > timezone.now()  # the new reviewer gets the district's turnaround
        old = ReviewAssignment.objects.get(submission=submission, reviewer=leaving)
        assert old.status == Status.REASSIGNED and old.reassigned_by == admin
        assert Notification.objects.filter(recipient=new.reviewer, url__contains=str(new.pk))
    # Shared by the lightest load, as new reviews are: 2 and 1.
    loads = sorted(
        ReviewAssignment.objects.filter(reviewer=r, status=Status.PENDING).count()
        for r in reviewers[1:]
    )
    assert loads == [1, 2]
    assert StageReview.objects.count() == rounds_before  # the same rounds go on
    assert (
        AuditEvent.objects.filter(
            action="review.reassigned", actor=admin, detail__reason="reviewer_deactivated"
        ).count()
        == 3
    )
    notice = Notification.objects.get(recipient=chair, kind="reassigned", title__contains="was")
    assert notice.title == f"{leaving.display_name} was deactivated: 3 went to other reviewers"
    assert notice.url == reverse("reviews:rounds")
    assert notice.body.count("• ") == 3 and "now with" in notice.body


def test_a_review_nobody_else_may_do_stays_flagged_for_the_chair(
    client, district, north, south, chair, admin
):
    # The panel's only other member works in the educator's building, which the district
    # keeps away from her reviews.
    educator = EducatorFactory(district=district, building=north)
    leaving = EducatorFactory(district=district, building=south, is_reviewer=True)
    colleague = EducatorFactory(district=district, building=north, is_reviewer=True)
    panel = PanelFactory(district=district, chair=chair, members=[leaving, colleague])
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")
    (assignment,) = pending(submission, "plan")
    assert assignment.reviewer == leaving

    done = person_deactivate(person=leaving, actor=admin)

    assert done.reviews.reassigned == [] and done.reviews.left_for_chair == [assignment]
    assignment.refresh_from_db()
    assert assignment.status == Status.PENDING and assignment.needs_another_reviewer
    assert AuditEvent.objects.filter(
        action="review.needs_reviewer", target_id=assignment.pk, actor=admin
    ).exists()
    notice = Notification.objects.get(recipient=chair, kind="reassigned")
    assert (
        notice.title == f"{leaving.display_name} was deactivated: 1 need you to choose a reviewer"
    )
    assert "nobody else on the panel may review it" in notice.body

    # A district admin adds to the panel someone who may review her; the chair sees the review
    # flagged on the open reviews and gives it to them from the round.
    newcomer = EducatorFactory(district=district, building=south, is_reviewer=True)
    panel.members.add(newcomer)
    client.force_login(chair)
    listing = client.get(reverse("reviews:rounds")).content.decode()
    assert "Needs another reviewer" in listing
    page = client.get(reverse("reviews:round", args=[assignment.stage_review_id]))
    assert "Needs another reviewer" in page.content.decode()
    assert f'action="{reverse("reviews:reassign", args=[assignment.pk])}"' in (
        page.content.decode()
    )
    client.post(
        reverse("reviews:reassign", args=[assignment.pk]),
        {f"a{assignment.pk}-to_reviewer": newcomer.pk},
    )
    (new,) = pending(submission, "plan")
    assert new.reviewer == newcomer and not new.needs_another_reviewer


def test_the_round_completes_as_usual_after_the_hand_back(
    panel, teacher, reviewers, chair, admin, monkeypatch
):
    from badges.tasks import issue_award

    monkeypatch.setattr(issue_award, "delay", lambda pk: None)
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    assign_reviewers(submission.pk, "final")
    first, second = pending(submission, "final")
    score_all_passed(first)  # one reviewer has scored; the other is deactivated
    person_deactivate(person=second.reviewer, actor=admin)

    (replacement,) = pending(submission, "final")
    assert replacement.reviewer not in (first.reviewer, second.reviewer)
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED  # a review already done stays, and counts
    score_all_passed(replacement)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EARNED
    (round_,) = StageReview.objects.filter(submission=submission)
    assert round_.status == StageReview.Status.DECIDED
    assert (
        AuditEvent.objects.filter(action="submission.earned", target_id=submission.pk).count() == 1
    )
    assert Notification.objects.filter(recipient=teacher, kind="earned").count() == 1


def test_a_deactivated_chair_is_replaced_by_the_district_admins(
    district, panel, reviewers, chair, admin
):
    educator = EducatorFactory(district=district)
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")
    (assignment,) = pending(submission, "plan")
    person_deactivate(person=chair, actor=admin)
    person_deactivate(person=assignment.reviewer, actor=admin)
    assert Notification.objects.filter(recipient=admin, kind="reassigned").exists()
    assert not Notification.objects.filter(recipient=chair, kind="reassigned").exists()


def test_nothing_is_handed_on_for_someone_still_active_or_by_a_non_admin(
    panel, teacher, reviewers, chair, admin
):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    (assignment,) = pending(submission, "plan")
    with pytest.raises(services.ReviewError, match="is active"):
        services.reviews_hand_back(reviewer=assignment.reviewer, actor=admin)
    with pytest.raises(PermissionDenied):
        services.reviews_hand_back(reviewer=assignment.reviewer, actor=chair)
    assert pending(submission, "plan") == [assignment]


def test_the_hand_back_and_the_round_page_keep_to_the_panel(
    client, district, north, south, chair, admin
):
    """A reviewer of the district off the panel may review the educator, yet neither the
    hand-back gives them the review nor the round page offers them: both read one rule."""
    educator = EducatorFactory(district=district, building=north)
    leaving = EducatorFactory(district=district, building=south, is_reviewer=True)
    colleague = EducatorFactory(district=district, building=north, is_reviewer=True)
    off_panel = EducatorFactory(district=district, building=south, is_reviewer=True)
    panel = PanelFactory(district=district, chair=chair, members=[leaving, colleague])
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")

    done = person_deactivate(person=leaving, actor=admin)

    (flagged,) = done.reviews.left_for_chair
    assert not ReviewAssignment.objects.filter(reviewer=off_panel).exists()
    client.force_login(chair)
    page = client.get(reverse("reviews:round", args=[flagged.stage_review_id]))
    assert f'<option value="{off_panel.pk}">' not in page.content.decode()
    # The reviewer off the panel and the chair, who decides but is no member.
    assert (2, f"not on the panel “{panel.name}”, which reviews this plan") in (
        page.context["shortage"]
    )


def test_a_round_of_no_panel_goes_to_a_reviewer_of_the_district(district, north, south, admin):
    educator = EducatorFactory(district=district, building=north)
    leaving = EducatorFactory(district=district, building=south, is_reviewer=True)
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")
    (assignment,) = pending(submission, "plan")
    assert assignment.stage_review.panel is None and assignment.reviewer == leaving
    anyone = EducatorFactory(district=district, building=south, is_reviewer=True)

    done = person_deactivate(person=leaving, actor=admin)

    (new,) = done.reviews.reassigned
    assert new.reviewer == anyone
