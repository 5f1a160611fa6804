"""In Chromium: an admin finds the settings in the navigation, corrects a mistake the page points
out, turns video off and saves; axe finds nothing serious or critical on the way."""

import pytest
from playwright.sync_api import expect

from accounts.models import District

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_corrects_and_saves_the_settings_by_the_labels(
    page, live_server, axe, district_admin, password, browser_sign_in
):
    browser_sign_in(page, live_server, district_admin.email, password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("District settings")
    assert axe(page) == []

    page.get_by_label("Review turnaround (days)").fill("120")
    page.get_by_label("Signatory's title").fill("Chief Academic Officer")
    page.get_by_role("group", name="Evidence file types accepted").get_by_label("Video").uncheck()
    page.get_by_role("button", name="Save settings").click()
    summary = page.get_by_role("alert")
    assert "Review turnaround (days): Ensure this value is less than or equal to 90." in (
        summary.inner_text()
    )
    # Nothing typed is lost, and nothing is saved yet.
    assert page.get_by_label("Signatory's title").input_value() == "Chief Academic Officer"
    assert not page.get_by_label("Video").is_checked()
    assert District.objects.get(pk=district_admin.district_id).review_turnaround_days == 14
    assert axe(page) == []

    summary.get_by_role("link").click()
    page.get_by_label("Review turnaround (days)").fill("21")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("status").inner_text() == "The district settings were saved."
    district = District.objects.get(pk=district_admin.district_id)
    assert district.review_turnaround_days == 21
    assert district.signatory_title == "Chief Academic Officer"
    assert district.artifact_families == ["document", "image", "audio"]
    assert "Review turnaround (days): 14 → 21" in page.content()
