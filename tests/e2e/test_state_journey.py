"""In Chromium: the demo's state admin creates a district; its first admin opens the invitation
from their e-mail, sets a password, lands on the new district's dashboard, and signs in again
later with that password."""

import re

import pytest

from accounts.models import District

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NEW_PASSWORD = "a-long-new-secret-for-cedar-vale"


def test_a_state_admin_creates_a_district_and_its_first_admin_signs_in(
    page, demo_server, seeded_demo, browser_sign_in, mailoutbox
):
    browser_sign_in(page, demo_server, "state@example.org", seeded_demo)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Sunflower State Department of Education"
    )
    assert page.locator("#state-districts tbody tr").count() == 3

    page.get_by_role("link", name="Create a district").first.click()
    page.get_by_label("District name").fill("Cedar Vale USD 285")
    page.get_by_label("Short name").fill("cedar-vale")
    page.get_by_label("Sign-in e-mail domains").fill("cedarvale285.org")
    page.get_by_label("First district admin's e-mail address").fill("chief@cedarvale285.org")
    page.get_by_role("button", name="Create and invite its admin").click()
    page.wait_for_load_state("networkidle")
    assert "Cedar Vale USD 285 was created" in page.get_by_role("status").inner_text()
    assert page.locator("#district-cedar-vale").is_visible()
    assert District.objects.get(slug="cedar-vale").state.slug == "sunflower"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    [invitation] = [m for m in mailoutbox if m.to == ["chief@cedarvale285.org"]]
    link = re.search(r"https?://\S+(/district/invitation/\S+/)", invitation.body).group(1)
    page.goto(f"{demo_server.url}{link}")
    assert "join Cedar Vale USD 285" in page.content()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Cedar Vale USD 285"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    browser_sign_in(page, demo_server, "chief@cedarvale285.org", NEW_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Cedar Vale USD 285"
    assert "/district/" in page.url
