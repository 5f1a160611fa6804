import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from reviews import selectors, services
from reviews.models import ReviewAssignment, Stage, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory, ReviewerFactory
from tests.credentials.factories import MicroCredentialFactory, StackFactory

from .factories import PanelFactory, submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


def active(submission, stage):
    return list(
        ReviewAssignment.objects.filter(
            submission=submission, stage=stage, status=ReviewAssignment.Status.PENDING
        ).values_list("reviewer_id", flat=True)
    )


def test_plan_is_assigned_to_the_district_number_of_panel_reviewers(panel, teacher, reviewers):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    ids = assign_reviewers(submission.pk, "plan")
    assert len(ids) == 1
    assignment = ReviewAssignment.objects.get(pk=ids[0])
    assert assignment.reviewer in reviewers
    assert assignment.stage_review.panel == panel
    days = (assignment.due_at - assignment.assigned_at).days
    assert days in (13, 14)


def test_final_review_gets_two_reviewers_and_the_attempt(panel, teacher):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    ids = assign_reviewers(submission.pk, "final")
    assert len(ids) == 2
    round_ = StageReview.objects.get(submission=submission, stage=Stage.FINAL)
    assert round_.attempt == submission.attempts.get(number=1)
    assert round_.round == 1


def test_assignment_is_idempotent(panel, teacher):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    first = assign_reviewers(submission.pk, "final")
    second = assign_reviewers(submission.pk, "final")
    assert len(first) == 2 and second == []
    assert ReviewAssignment.objects.filter(submission=submission).count() == 2
    assert StageReview.objects.filter(submission=submission).count() == 1


def test_nothing_is_assigned_when_the_submission_does_not_wait_for_the_stage(panel, teacher):
    submission = submission_in(SubmissionStatus.DRAFT, educator=teacher)
    assert assign_reviewers(submission.pk, "plan") == []
    assert assign_reviewers(submission.pk, "final") == []
    assert not StageReview.objects.exists()


def test_unknown_stage_is_refused(panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    with pytest.raises(ValueError):
        assign_reviewers(submission.pk, "banana")


def test_balanced_by_current_load(district, panel, reviewers):
    educators = [EducatorFactory(district=district) for _ in range(6)]
    for educator in educators:
        submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
        assign_reviewers(submission.pk, "plan")
    loads = [
        ReviewAssignment.objects.filter(reviewer=r, status="pending").count() for r in reviewers
    ]
    assert loads == [2, 2, 2]


def test_never_the_educator_nor_the_group_nor_the_same_building(district, north, south):
    # The only people in the panel: the educator (also a reviewer), a group member, a colleague
    # of the same building, and one reviewer elsewhere.
    educator = EducatorFactory(district=district, building=north, is_reviewer=True)
    partner = EducatorFactory(district=district, building=south, is_reviewer=True)
    same_building = ReviewerFactory(district=district, building=north)
    eligible = ReviewerFactory(district=district, building=south)
    PanelFactory(district=district, members=[educator, partner, same_building, eligible])
    district.final_reviewers_required = 4
    district.save()
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=educator)
    submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=partner, plan=submission.plan)
    assign_reviewers(submission.pk, "final")
    assert active(submission, "final") == [eligible.pk]


def test_same_building_allowed_when_the_district_allows_it(district, north):
    educator = EducatorFactory(district=district, building=north)
    neighbour = ReviewerFactory(district=district, building=north)
    PanelFactory(district=district, members=[neighbour])
    district.exclude_same_building_reviewers = False
    district.save()
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")
    assert active(submission, "plan") == [neighbour.pk]


def test_most_specific_panel_by_building_and_stack(district, teacher, north, reviewers):
    stack = StackFactory(district=district)
    general = PanelFactory(district=district, name="General", members=[reviewers[0]])
    by_building = PanelFactory(
        district=district, name="North", members=[reviewers[1]], buildings=[north]
    )
    by_both = PanelFactory(
        district=district,
        name="North routines",
        members=[reviewers[2]],
        buildings=[north],
        stacks=[stack],
    )
    in_stack = MicroCredentialFactory(district=district, stack=stack)
    submission = submission_in(
        SubmissionStatus.PLAN_SUBMITTED, educator=teacher, microcredential=in_stack
    )
    assert selectors.panel_for_submission(submission) == by_both
    other = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assert selectors.panel_for_submission(other) == by_building
    elsewhere = EducatorFactory(district=district)
    third = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=elsewhere)
    assert selectors.panel_for_submission(third) == general


def test_no_panel_means_any_reviewer_of_the_district(district, teacher, other_district):
    ReviewerFactory(district=other_district)
    local = ReviewerFactory(district=district)
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    assert active(submission, "plan") == [local.pk]


def test_a_short_panel_tells_the_chair(district, teacher, chair, reviewers):
    PanelFactory(district=district, chair=chair, members=reviewers[:1])
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    assign_reviewers(submission.pk, "final")
    assert len(active(submission, "final")) == 1
    assert chair.notifications.filter(event_key__startswith="short:").exists()


def test_a_short_panel_of_a_deactivated_chair_tells_the_active_admins_instead(
    district, teacher, chair, reviewers, district_admin
):
    PanelFactory(district=district, chair=chair, members=reviewers[:1])
    User.objects.filter(pk=chair.pk).update(is_active=False)
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    assign_reviewers(submission.pk, "final")
    assert not chair.notifications.exists()
    assert district_admin.notifications.filter(event_key__startswith="short:").exists()


def test_a_revised_plan_goes_back_to_its_reviewer(district, teacher, panel, reviewers):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [first_id] = assign_reviewers(submission.pk, "plan")
    first = ReviewAssignment.objects.get(pk=first_id)
    services.plan_decide(
        assignment=first, decision="request_changes", reason="Add sources.", actor=first.reviewer
    )
    # The educator resubmits (the plan helper's move); the new round prefers the same reviewer
    # although the others have a lighter load.
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.PLAN_SUBMITTED)
    [second_id] = assign_reviewers(submission.pk, "plan")
    second = ReviewAssignment.objects.get(pk=second_id)
    assert second.reviewer == first.reviewer
    assert second.stage_review.round == 2
    assert second.reviewer.notifications.filter(kind="resubmitted").exists()


def test_chair_and_admin_can_reassign_others_cannot(
    district, teacher, panel, reviewers, chair, district_admin
):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [pk] = assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(pk=pk)
    spare = next(r for r in reviewers if r != assignment.reviewer)
    with pytest.raises(PermissionDenied):
        services.assignment_reassign(assignment=assignment, to_reviewer=spare, actor=spare)
    new = services.assignment_reassign(assignment=assignment, to_reviewer=spare, actor=chair)
    assignment.refresh_from_db()
    assert assignment.status == "reassigned" and new.reviewer == spare
    third = next(r for r in reviewers if r not in (assignment.reviewer, spare))
    newer = services.assignment_reassign(assignment=new, to_reviewer=third, actor=district_admin)
    assert newer.reviewer == third


def test_reassigning_to_an_ineligible_person_is_refused(district, teacher, panel, chair, north):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [pk] = assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(pk=pk)
    neighbour = ReviewerFactory(district=district, building=north)
    with pytest.raises(services.ReviewError, match="own building"):
        services.assignment_reassign(assignment=assignment, to_reviewer=neighbour, actor=chair)
    teacher.is_reviewer = True
    teacher.save()
    with pytest.raises(services.ReviewError, match="own plan"):
        services.assignment_reassign(assignment=assignment, to_reviewer=teacher, actor=chair)
