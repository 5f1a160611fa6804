import pytest

from reviews import services
from reviews.models import ReviewAssignment
from reviews.selectors import reviewer_can_see_submission
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory, ReviewerFactory

from .factories import PanelFactory, submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


def test_who_sees_a_submission(district, panel, teacher, chair, reviewers, other_district):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [pk] = assign_reviewers(submission.pk, "plan")
    assigned = ReviewAssignment.objects.get(pk=pk).reviewer
    unassigned = next(r for r in reviewers if r != assigned)
    assert reviewer_can_see_submission(user=assigned, submission=submission)
    assert reviewer_can_see_submission(user=chair, submission=submission)
    assert not reviewer_can_see_submission(user=unassigned, submission=submission)
    assert not reviewer_can_see_submission(user=teacher, submission=submission)
    # Another district's chair of a look-alike panel sees nothing of this district.
    outsider = ReviewerFactory(district=other_district)
    PanelFactory(district=other_district, chair=outsider, members=[outsider])
    assert not reviewer_can_see_submission(user=outsider, submission=submission)
    # Reassigned away: access ends.
    services.assignment_reassign(
        assignment=ReviewAssignment.objects.get(pk=pk), to_reviewer=unassigned, actor=chair
    )
    assert not reviewer_can_see_submission(user=assigned, submission=submission)
    assert reviewer_can_see_submission(user=unassigned, submission=submission)
    assigned.is_active = False
    assert not reviewer_can_see_submission(user=assigned, submission=submission)


def test_chair_of_another_panel_does_not_see(district, panel, teacher):
    other_chair = ReviewerFactory(district=district)
    PanelFactory(district=district, name="Other", chair=other_chair)
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    assert not reviewer_can_see_submission(user=other_chair, submission=submission)


def test_open_reviews_page(
    client,
    district,
    panel,
    teacher,
    chair,
    reviewers,
    district_admin,
    outsider_admin,
    django_assert_max_num_queries,
):
    for _ in range(3):
        educator = EducatorFactory(district=district)
        assign_reviewers(
            submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator).pk, "plan"
        )
    withdrawn = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(withdrawn.pk, "plan")
    Submission.objects.filter(pk=withdrawn.pk).update(status=SubmissionStatus.WITHDRAWN)
    url = "/reviews/rounds/"
    assert client.get(url).status_code == 302
    client.force_login(district_admin)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rounds"]) == 3
    client.force_login(chair)
    assert len(client.get(url).context["rounds"]) == 3
    client.force_login(reviewers[0])
    assert client.get(url).status_code == 403
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    client.force_login(outsider_admin)
    response = client.get(url)
    assert response.status_code == 200 and response.context["rounds"] == []
    assert client.post(url).status_code == 405
