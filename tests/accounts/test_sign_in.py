import pytest
from django.urls import reverse

LOGIN = "/accounts/login/"


def post_login(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


@pytest.mark.parametrize(
    ("role_fixture", "dashboard"),
    [
        ("educator", "submissions:dashboard"),
        ("reviewer", "reviews:queue"),
        ("district_admin", "people:admin_dashboard"),
    ],
)
def test_each_role_lands_on_its_own_dashboard(client, request, password, role_fixture, dashboard):
    user = request.getfixturevalue(role_fixture)
    response = post_login(client, user.email, password)
    assert response.status_code == 302
    assert response["Location"] == reverse(dashboard)
    assert client.get(reverse(dashboard)).status_code == 200


def test_a_state_admin_lands_on_their_states_page(client, db, password):
    from tests.accounts.factories import StateAdminFactory

    state_admin = StateAdminFactory()
    response = post_login(client, state_admin.email, password)
    assert response["Location"] == reverse("states:dashboard")


def test_a_person_with_several_roles_lands_on_the_most_responsible(client, educator, password):
    educator.is_district_admin = True
    educator.save()
    response = post_login(client, educator.email, password)
    assert response["Location"] == reverse("people:admin_dashboard")


def test_wrong_password_is_refused_with_a_message(client, educator):
    response = post_login(client, educator.email, "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "not correct" in response.content.decode()


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, educator):
    wrong_password = post_login(client, educator.email, "not-the-password").content.decode()
    unknown = post_login(client, "nobody@example.org", "not-the-password").content.decode()

    def error_summary(html: str) -> str:
        start = html.index('id="error-summary"')
        return html[start : html.index("</div>", start)]

    assert error_summary(wrong_password) == error_summary(unknown)


def test_rate_limit_stops_guessing_even_with_the_right_password(client, educator, password):
    for _ in range(5):
        post_login(client, educator.email, "guess")
    response = post_login(client, educator.email, password)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_inactive_person_cannot_sign_in(client, educator, password):
    educator.is_active = False
    educator.save()
    post_login(client, educator.email, password)
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, educator):
    client.force_login(educator)
    client.post("/accounts/logout/")
    response = client.get(reverse("submissions:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_open_sign_up_is_closed(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    from accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code in (200, 403)
