"""In Chromium, over the demo's state:

- the state admin creates a district; its first admin opens the invitation from their e-mail,
  sets a password, lands on the new district's dashboard, and signs in again later with it;
- a district admin adopts a micro-credential of the state's catalog in one step; an educator
  finds it in the catalog, earns it (the plan and the panel's decision are made by the
  factories the other tests use: ``test_whole_journey`` walks those pages) and their badge is
  issued and verifies as valid."""

import re
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.models import District, User
from badges.models import Award
from badges.services import award_issue_for_submission
from credentials.models import MicroCredential
from tests.badges.factories import earned_submission

pytestmark = [pytest.mark.browser]
ADOPTED = "Family Partnership Conferences"

NEW_PASSWORD = "a-long-new-secret-for-cedar-vale"


@pytest.mark.django_db
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


def earn_in_a_committed_transaction(title: str) -> Award:
    """The educator earns the adopted entry and the award is issued, committed at once (in a
    thread of its own: the test's own connection is in a transaction the live server cannot
    see)."""
    done: dict[str, Award] = {}

    def earn() -> None:
        try:
            entry = MicroCredential.objects.get(
                district__slug="prairie-view", title=title, status="published"
            )
            assert entry.is_adopted
            educator = User.objects.get(email="educator@example.org")
            submission = earned_submission(educator=educator, microcredential=entry)
            done["award"] = award_issue_for_submission(submission_id=submission.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=earn)
    worker.start()
    worker.join()
    return done["award"]


@pytest.mark.django_db
def test_a_district_adopts_a_state_micro_credential_and_an_educator_earns_it(
    page, demo_server, seeded_demo, browser_sign_in
):
    browser_sign_in(page, demo_server, "admin@example.org", seeded_demo)
    page.goto(f"{demo_server.url}/catalog/manage/state/")
    row = page.locator("#state-catalog tr").filter(has_text=ADOPTED)
    expect(row).to_contain_text("Not adopted")
    row.get_by_role("button", name=f"Adopt {ADOPTED}").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{ADOPTED}” (the state's version 1)")
    expect(page.locator("#adopted-note")).to_be_visible()
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    browser_sign_in(page, demo_server, "educator@example.org", seeded_demo)
    page.goto(f"{demo_server.url}/catalog/")
    page.get_by_role("link", name=ADOPTED).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ADOPTED)
    expect(page.get_by_role("button", name=re.compile("Start"))).to_be_visible()

    award = earn_in_a_committed_transaction(ADOPTED)
    page.goto(f"{demo_server.url}/badges/")
    expect(page.locator("main")).to_contain_text(ADOPTED)
    page.goto(f"{demo_server.url}/verify/{award.uuid}/")
    expect(page.locator(".verdict-valid")).to_contain_text("Valid.")
