"""Every view the foundation has: anonymous, the wrong role and another district."""

import pytest
from django.urls import reverse

DASHBOARDS = {
    "submissions:dashboard": "educator",
    "reviews:queue": "reviewer",
    "people:admin_dashboard": "district_admin",
}


@pytest.mark.parametrize("url_name", DASHBOARDS)
def test_anonymous_is_sent_to_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


WRONG_ROLES = [
    (url_name, intruder)
    for url_name, owner in DASHBOARDS.items()
    for intruder in ("educator", "reviewer", "district_admin")
    if intruder != owner
]


@pytest.mark.parametrize(("url_name", "intruder"), WRONG_ROLES)
def test_wrong_role_gets_403(client, request, url_name, intruder):
    client.force_login(request.getfixturevalue(intruder))
    assert client.get(reverse(url_name)).status_code == 403


def test_person_without_a_role_is_told_what_to_do(client, district):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(district=district))
    response = client.get("/", follow=True)
    assert "no role yet" in response.content.decode()


def test_dashboard_post_is_not_allowed(client, educator):
    client.force_login(educator)
    assert client.post(reverse("submissions:dashboard")).status_code == 405
