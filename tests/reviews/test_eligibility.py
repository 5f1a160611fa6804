"""Who may review a submission is one rule: the list of eligible reviewers and the reason a
person is refused are read from the same conditions."""

import pytest

from reviews import selectors
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory, ReviewerFactory

from .factories import submission_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(teacher):
    return submission_in(Submission.Status.PLAN_SUBMITTED, educator=teacher)


def test_every_person_is_listed_exactly_when_no_reason_refuses_them(
    district, other_district, teacher, north, south, submission
):
    district.exclude_same_building_reviewers = True
    district.save()
    elsewhere = ReviewerFactory(district=district, building=south)
    colleague = EducatorFactory(district=district, building=south)
    inactive = ReviewerFactory(district=district, building=south, is_active=False)
    neighbour = ReviewerFactory(district=district, building=north)
    stranger = ReviewerFactory(district=other_district)
    teacher.is_reviewer = True
    teacher.save()
    submission = Submission.objects.select_related("district", "educator", "plan").get(
        pk=submission.pk
    )
    reasons = {
        person: selectors.reviewer_ineligibility(reviewer=person, submission=submission)
        for person in (elsewhere, colleague, inactive, neighbour, stranger, teacher)
    }
    assert reasons[elsewhere] is None
    assert "reviewer role" in reasons[colleague]
    assert "not a reviewer of this district" in reasons[inactive]
    assert "own building" in reasons[neighbour]
    assert "not a reviewer of this district" in reasons[stranger]
    assert "own plan" in reasons[teacher]
    listed = set(selectors.eligible_reviewers(submission=submission))
    assert listed == {person for person, reason in reasons.items() if reason is None}


def test_a_reviewer_without_a_building_is_not_kept_away_by_the_building_rule(
    district, teacher, submission
):
    district.exclude_same_building_reviewers = True
    district.save()
    floating = ReviewerFactory(district=district, building=None)
    submission.refresh_from_db()
    assert selectors.reviewer_ineligibility(reviewer=floating, submission=submission) is None
    assert floating in selectors.eligible_reviewers(submission=submission)
