"""Who may take a review is one rule: the list of those who may and the reason a person is
refused are read from the same conditions; a round of a panel is reviewed by its members."""

import pytest

from reviews import selectors
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory, ReviewerFactory

from .factories import PanelFactory, submission_in

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
        person: selectors.reviewer_ineligibility(reviewer=person, submission=submission, panel=None)
        for person in (elsewhere, colleague, inactive, neighbour, stranger, teacher)
    }
    assert reasons[elsewhere] is None
    assert "reviewer role" in reasons[colleague]
    assert "not a reviewer of this district" in reasons[inactive]
    assert "own building" in reasons[neighbour]
    assert "not a reviewer of this district" in reasons[stranger]
    assert "own plan" in reasons[teacher]
    listed = set(selectors.reviewers_who_may_take(submission=submission, panel=None))
    assert listed == {person for person, reason in reasons.items() if reason is None}


def test_a_reviewer_without_a_building_is_not_kept_away_by_the_building_rule(
    district, teacher, submission
):
    district.exclude_same_building_reviewers = True
    district.save()
    floating = ReviewerFactory(district=district, building=None)
    submission.refresh_from_db()
    assert (
        selectors.reviewer_ineligibility(reviewer=floating, submission=submission, panel=None)
        is None
    )
    assert floating in selectors.reviewers_who_may_take(submission=submission, panel=None)


def test_a_round_of_a_panel_is_reviewed_by_its_members_only(
    district, south, submission, panel, reviewers, chair
):
    """The chair sits on the panel to decide, not to review, unless also a member."""
    outside = ReviewerFactory(district=district, building=south)
    PanelFactory(district=district, name="Another panel", members=[outside])
    submission.refresh_from_db()

    listed = set(selectors.reviewers_who_may_take(submission=submission, panel=panel))

    assert listed == set(reviewers)
    for person in (outside, chair):
        assert selectors.reviewer_ineligibility(
            reviewer=person, submission=submission, panel=panel
        ) == (f"This person is not a member of the panel “{panel.name}”, which reviews this plan.")
    # Without a panel, the district's reviewers.
    assert {outside, chair} <= set(
        selectors.reviewers_who_may_take(submission=submission, panel=None)
    )
