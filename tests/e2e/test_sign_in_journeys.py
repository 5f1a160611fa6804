"""In Chromium: each demo role signs in, lands on its dashboard, signs out; axe finds nothing
serious or critical on the sign-in page or any dashboard."""

import pytest

from accounts.models import User

# One demo district for the module (``seeded_demo``); the tests take turns on it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROLES = [
    ("educator@example.org", "My micro-credential plans"),
    ("reviewer@example.org", "Review queue"),
    ("admin@example.org", "Prairie View Unified School District"),
]


def test_sign_in_page_has_no_serious_accessibility_violations(page, demo_server, axe):
    page.goto(f"{demo_server.url}/accounts/login/")
    assert axe(page) == []


@pytest.mark.parametrize(("email", "heading"), ROLES)
def test_demo_role_signs_in_to_its_dashboard_and_out(
    page, demo_server, axe, seeded_demo, browser_sign_in, email, heading
):
    browser_sign_in(page, demo_server, email, seeded_demo)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert User.objects.get(email=email).last_login is not None
    assert axe(page) == []
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    page.goto(f"{demo_server.url}/plans/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_an_error_summary_and_keeps_the_email(
    page, demo_server, browser_sign_in
):
    browser_sign_in(page, demo_server, "educator@example.org", "wrong-password")
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("E-mail address").input_value() == "educator@example.org"
    assert "/accounts/login/" in page.url
