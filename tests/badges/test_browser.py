"""In Chromium, with the CSP on: the public verification page, the educator's portfolio with
its progress note that turns into links by itself (htmx), and an admin's revocation."""

import pytest
from playwright.sync_api import expect

from badges.services import _award_record, award_issue_for_submission
from tests.accounts.factories import PASSWORD
from tests.badges.factories import earned_submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verification_page_is_accessible_without_sign_in(page, live_server, axe, educator):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    page.goto(f"{live_server.url}/verify/{award.uuid}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Classroom Routines"
    assert "Valid." in page.get_by_role("status").inner_text()
    assert page.locator("img.badge-image").evaluate("img => img.naturalWidth") == 600
    assert axe(page) == []


def test_progress_note_turns_into_the_download_by_itself(
    page, live_server, axe, educator, browser_sign_in
):
    submission = earned_submission(educator=educator)
    _award_record(submission.pk)
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    page.goto(f"{live_server.url}/badges/")
    note = page.get_by_role("status").filter(has_text="being prepared")
    assert note.is_visible()
    assert axe(page) == []

    award_issue_for_submission(submission_id=submission.pk)

    link = page.get_by_role("link", name="Download the certificate (PDF)")
    link.wait_for(timeout=10000)
    assert link.get_attribute("href") == f"/badges/awards/{submission.award.uuid}/download/pdf/"


def test_admin_revokes_and_the_page_says_revoked(
    page, live_server, axe, educator, district_admin, browser_sign_in
):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    browser_sign_in(page, live_server, district_admin.email, PASSWORD)
    page.goto(f"{live_server.url}/badges/district/")
    assert axe(page) == []
    page.get_by_role("link", name="Revoke").click()
    page.get_by_label("Reason for revoking").fill("   ")
    page.get_by_role("button", name="Revoke the award").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("Reason for revoking").fill("Evidence belonged to another plan.")
    page.get_by_role("button", name="Revoke the award").click()
    page.wait_for_url("**/badges/district/")
    expect(page.get_by_role("row", name=educator.display_name)).to_contain_text("Revoked")
    page.get_by_role("link", name="Verify", exact=True).click()
    page.wait_for_url(f"**/verify/{award.uuid}/")
    assert "Evidence belonged to another plan." in page.locator(".verdict").inner_text()
