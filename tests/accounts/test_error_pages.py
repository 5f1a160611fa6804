"""403, 404 and 500 are the site's own pages: in its layout, saying why in words a person
understands (only messages our code wrote for people, never internals), with a way home."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from accounts.views import reason_for_people
from reviews.models import ReviewAssignment
from reviews.services import reviewers_assign
from submissions.models import Submission
from tests.reviews.factories import PanelFactory, submission_in

pytestmark = pytest.mark.django_db

HOME_LINK = f'href="{reverse("home")}"'


def assert_site_page(response, status: int, *, says: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="site-header"' in html and 'class="site-footer' in html
    assert says in html
    assert HOME_LINK in html and "Go to your home page" in html
    return html


def test_a_review_of_someone_else_says_whose_it_is(client, district, educator, reviewer):
    colleague = User.objects.create_user(
        email="second@pv.example.org", district=district, is_reviewer=True
    )
    PanelFactory(district=district, name="Panel", chair=None, members=[colleague])
    submission = submission_in(Submission.Status.PLAN_SUBMITTED, educator=educator)
    reviewers_assign(submission_id=submission.pk, stage="plan")
    assignment = ReviewAssignment.objects.get(submission=submission)
    assert assignment.reviewer == colleague

    client.force_login(reviewer)
    response = client.get(reverse("reviews:review", args=[assignment.pk]))
    html = assert_site_page(response, 403, says="This review is assigned to someone else.")
    assert "403 Forbidden" not in html


def test_the_wrong_role_is_told_so(client, educator):
    client.force_login(educator)
    response = client.get(reverse("people:admin_dashboard"))
    assert_site_page(response, 403, says="Your role does not give access to this page.")


def test_a_missing_object_of_ours_says_what_is_missing(client, educator):
    client.force_login(educator)
    response = client.get(reverse("submissions:detail", args=[999999]))
    assert_site_page(response, 404, says="No such plan.")


def test_an_unknown_address_gets_the_site_page_without_internals(client, educator):
    client.force_login(educator)
    html = assert_site_page(client.get("/no/such/page/"), 404, says="We cannot find this page")
    assert "urlpatterns" not in html and "Resolver404" not in html and "path" not in html.lower()


def test_djangos_own_messages_are_not_shown(client, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("people:person_edit", args=[999999]))
    html = assert_site_page(response, 404, says="We cannot find this page")
    assert "matches the given query" not in html and "User" not in html.split("<main", 1)[1]


def raised(action) -> Exception:
    try:
        action()
    except (PermissionDenied, Http404) as exception:
        return exception
    raise AssertionError("nothing was raised")


def test_opening_a_form_s_address_gets_the_site_page_and_keeps_its_405(client, educator):
    # /badges/portfolio/ receives the portfolio settings form; opened directly it was blank.
    client.force_login(educator)
    response = client.get(reverse("badges:portfolio_settings"))
    assert_site_page(response, 405, says="This address is not a page to open")
    assert response["Allow"] == "POST"


def test_a_405_with_a_body_of_its_own_is_left_as_it_is():
    from django.http import HttpResponseNotAllowed

    from microcreds.middleware import MethodNotAllowedPageMiddleware

    answer = HttpResponseNotAllowed(["GET"], content=b'{"detail": "Method not allowed."}')
    middleware = MethodNotAllowedPageMiddleware(lambda request: answer)
    assert middleware(RequestFactory().post("/api/v1/catalog/")) is answer


def test_reason_for_people_keeps_only_what_our_apps_wrote():
    from accounts.permissions import require_role

    ours = raised(lambda: require_role(User(is_educator=True), "district_admin"))
    assert reason_for_people(ours) == "Your role does not give access to this page."
    # Django's own message names the model; a message raised outside our apps is not shown.
    assert reason_for_people(raised(lambda: get_object_or_404(User, pk=0))) == ""
    assert reason_for_people(raised(lambda: exec("raise Http404('internals')"))) == ""
    assert reason_for_people(PermissionDenied()) == ""


def test_the_500_page_renders_without_request_or_database(settings, django_assert_num_queries):
    from django.views.defaults import server_error

    request = RequestFactory().get("/somewhere/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "Something went wrong on our side" in html
    assert HOME_LINK in html
