"""In Chromium: each demo role signs in, lands on its dashboard, signs out; axe finds nothing
serious or critical on the sign-in page or any dashboard."""

import pytest

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("educator@example.org", "My micro-credential plans"),
    ("reviewer@example.org", "Review queue"),
    ("admin@example.org", "Prairie View Unified School District"),
]


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    from accounts.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def test_sign_in_page_has_no_serious_accessibility_violations(page, live_server, axe):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe(page) == []


@pytest.mark.parametrize(("email", "heading"), ROLES)
def test_demo_role_signs_in_to_its_dashboard_and_out(
    page, live_server, axe, demo, browser_sign_in, email, heading
):
    browser_sign_in(page, live_server, email, demo)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert User.objects.get(email=email).last_login is not None
    assert axe(page) == []
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    page.goto(f"{live_server.url}/plans/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_an_error_summary_and_keeps_the_email(
    page, live_server, educator, browser_sign_in
):
    browser_sign_in(page, live_server, educator.email, "wrong-password")
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("E-mail address").input_value() == educator.email
    assert "/accounts/login/" in page.url
