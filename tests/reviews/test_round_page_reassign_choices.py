"""The round page's reassign choice: who may take a waiting review, and why nobody may."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.services import person_deactivate
from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import DistrictAdminFactory, EducatorFactory, ReviewerFactory

from .factories import PanelFactory, submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(district):
    return DistrictAdminFactory(district=district, email="ada@pv.example.org")


@pytest.fixture
def stranded(district, north, south, admin):
    """A plan review of an educator of North whose reviewer (of South) was deactivated; every
    other reviewer of the district, the chair too, works at North."""
    chair = ReviewerFactory(district=district, building=north, email="chair@pv.example.org")
    educator = EducatorFactory(district=district, building=north)
    leaving = ReviewerFactory(district=district, building=south)
    colleague = ReviewerFactory(district=district, building=north)
    panel = PanelFactory(
        district=district, name="North panel", chair=chair, members=[leaving, colleague]
    )
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator)
    [pk] = assign_reviewers(submission.pk, "plan")
    person_deactivate(person=leaving, actor=admin)
    assignment = ReviewAssignment.objects.get(pk=pk)
    assert assignment.needs_another_reviewer
    return assignment, chair, panel


def test_the_chair_reads_why_nobody_may_take_the_review_and_what_to_do(client, stranded):
    assignment, chair, panel = stranded
    client.force_login(chair)

    page = client.get(reverse("reviews:round", args=[assignment.stage_review_id]))

    html = page.content.decode()
    assert "Nobody on the panel North panel may be given this review." in html
    # The chair and the colleague: both of the educator's own building.
    assert page.context["shortage"] == [
        (
            2,
            "in the educator's own building, whose educators the district keeps them from "
            "reviewing",
        )
    ]
    assert "ask a district admin to add to North panel a reviewer who may review" in html
    # No empty choice: the row points at the explanation instead.
    assert f'name="a{assignment.pk}-to_reviewer"' not in html
    assert 'href="#nobody-else"' in html


def test_an_admin_is_shown_where_to_add_a_reviewer(client, stranded, admin):
    assignment, _chair, panel = stranded
    client.force_login(admin)

    html = client.get(reverse("reviews:round", args=[assignment.stage_review_id])).content.decode()

    assert "Nobody on the panel North panel may be given this review." in html
    assert f'href="{reverse("reviews:panel_edit", args=[panel.pk])}"' in html
    assert f'href="{reverse("people:list")}"' in html


def test_a_reviewer_off_the_panel_is_counted_not_offered_until_added_to_it(
    client, stranded, district, south, admin
):
    """The round page reads the hand-back's rule: the panel's members take its reviews."""
    assignment, chair, panel = stranded
    newcomer = ReviewerFactory(
        district=district, building=south, first_name="Noor", last_name="Haddad"
    )
    client.force_login(chair)
    url = reverse("reviews:round", args=[assignment.stage_review_id])

    page = client.get(url)

    html = page.content.decode()
    assert "Nobody on the panel North panel may be given this review." in html
    assert (1, "not on the panel “North panel”, which reviews this plan") in (
        page.context["shortage"]
    )
    assert f'<option value="{newcomer.pk}">' not in html
    refused = client.post(
        reverse("reviews:reassign", args=[assignment.pk]),
        {f"a{assignment.pk}-to_reviewer": newcomer.pk},
        follow=True,
    )
    assert "is not a member of the panel “North panel”" in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.needs_another_reviewer

    panel.members.add(newcomer)
    page = client.get(url)

    html = page.content.decode()
    assert "Nobody on the panel" not in html and page.context["shortage"] == []
    assert f'<option value="{newcomer.pk}">' in html


def test_the_round_page_reads_the_choices_once_however_many_reviews_wait(
    client, district, south, panel, teacher, chair, django_assert_max_num_queries
):
    """Each waiting review has a choice of reviewers: they are read once for the page."""
    # A fourth member, so that someone may still be chosen when three are on the round.
    panel.members.add(ReviewerFactory(district=district, building=south))

    def round_with(reviewers_required):
        district.plan_reviewers_required = reviewers_required
        district.save()
        submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
        assign_reviewers(submission.pk, "plan")
        round_id = ReviewAssignment.objects.filter(submission=submission)[0].stage_review_id
        return reverse("reviews:round", args=[round_id])

    client.force_login(chair)
    one_waiting, three_waiting = round_with(1), round_with(3)
    client.get(one_waiting)  # the first page of the session reads what later ones need not
    with CaptureQueriesContext(connection) as queries:
        page = client.get(one_waiting)
    assert len(page.context["reassign_rows"]) == 1
    with django_assert_max_num_queries(len(queries)):
        page = client.get(three_waiting)
    assert len(page.context["reassign_rows"]) == 3
