"""Every plan page: the owner, anonymous, the wrong role, another educator, another district,
and the wrong method."""

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests.submissions.factories import SubmissionFactory

# url name → (method the page accepts, status the owner gets)
PAGES = {
    "submissions:detail": ("get", 200),
    "submissions:history": ("get", 200),
    "submissions:save": ("post", 400),  # an empty post is invalid, but reaches the form
    "submissions:member_add": ("post", 302),
    "submissions:submit_plan": ("post", 302),
    "submissions:start_work": ("post", 302),
    "submissions:submit_for_review": ("post", 302),
    "submissions:resubmit": ("post", 302),
    "submissions:withdraw": ("post", 302),
}


@pytest.fixture
def submission(educator):
    return SubmissionFactory(plan__lead=educator)


def call(client, url_name, submission, method=None):
    url = reverse(url_name, args=[submission.pk])
    return getattr(client, method or PAGES[url_name][0])(url)


@pytest.mark.parametrize("url_name", PAGES)
def test_owner_reaches_the_page(client, submission, url_name):
    client.force_login(submission.educator)
    assert call(client, url_name, submission).status_code == PAGES[url_name][1]


@pytest.mark.parametrize("url_name", PAGES)
def test_anonymous_is_sent_to_sign_in(client, submission, url_name):
    response = call(client, url_name, submission)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("role", ["reviewer", "district_admin"])
def test_wrong_role_gets_403(client, request, submission, url_name, role):
    client.force_login(request.getfixturevalue(role))
    assert call(client, url_name, submission).status_code == 403


@pytest.mark.parametrize("url_name", PAGES)
def test_another_educator_of_the_district_gets_404(client, submission, other_educator, url_name):
    client.force_login(other_educator)
    assert call(client, url_name, submission).status_code == 404
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


@pytest.mark.parametrize("url_name", PAGES)
def test_another_district_gets_404(client, submission, outsider_educator, url_name):
    client.force_login(outsider_educator)
    assert call(client, url_name, submission).status_code == 404


@pytest.mark.parametrize("url_name", PAGES)
def test_wrong_method_gets_405(client, submission, url_name):
    client.force_login(submission.educator)
    wrong = "post" if PAGES[url_name][0] == "get" else "get"
    assert call(client, url_name, submission, wrong).status_code == 405


def test_a_move_out_of_order_is_a_readable_message_not_a_500(client, submission):
    client.force_login(submission.educator)
    response = client.post(reverse("submissions:start_work", args=[submission.pk]), follow=True)
    assert response.status_code == 200
    assert "it cannot be moved to “In progress” now" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_submitting_an_incomplete_plan_lists_what_is_missing(client, submission):
    client.force_login(submission.educator)
    response = client.post(reverse("submissions:submit_plan", args=[submission.pk]), follow=True)
    page = response.content.decode()
    assert "The plan is not complete yet." in page
    assert "Basis of Knowledge: Add at least 3 research sources (0 so far)." in page
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_dashboard_plan_start_and_propose_check_roles_and_methods(client, reviewer, educator):
    client.force_login(reviewer)
    assert client.get(reverse("submissions:propose")).status_code == 403
    assert client.post(reverse("submissions:plan_start", args=[1])).status_code == 403
    client.force_login(educator)
    assert client.get(reverse("submissions:plan_start", args=[1])).status_code == 405
    assert client.put(reverse("submissions:propose")).status_code == 405
    client.logout()
    response = client.get(reverse("submissions:propose"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
