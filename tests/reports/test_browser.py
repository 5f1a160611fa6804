"""In Chromium: the admin's report pages, rules and roster import, and the educator's progress,
with no serious or critical axe violations; the export progress updates by itself (htmx)."""

import pytest
from playwright.sync_api import expect

# One demo district for the module (``seeded_demo``); the tests take turns on it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


ADMIN_PAGES = [
    ("/reports/", "Reports"),
    ("/reports/funnel/", "Funnel"),
    ("/reports/completions/", "Completions"),
    ("/reports/turnaround/", "Turnaround"),
    ("/reports/relicensure/", "Re-licensure"),
    ("/reports/salary/", "Salary ledger"),
    ("/reports/rules/", "Program rules"),
    ("/reports/rules/credit/new/", "Add a credit rule"),
    ("/district/people/", "People"),
    ("/district/people/import/", "Import a roster"),
    ("/district/buildings/", "Buildings"),
    ("/district/goals/", "District goals"),
]


def test_admin_pages_are_accessible(page, demo_server, axe, seeded_demo, browser_sign_in):
    # One sign-in for the whole walk: every page is checked, and every problem reported at once.
    browser_sign_in(page, demo_server, "admin@example.org", seeded_demo)
    problems = {}
    for path, heading in ADMIN_PAGES:
        page.goto(f"{demo_server.url}{path}")
        found = page.get_by_role("heading", level=1).inner_text()
        violations = axe(page)
        if found != heading or violations:
            problems[path] = {"heading": found, "violations": violations}
    assert problems == {}


def test_roster_preview_then_import(page, demo_server, axe, seeded_demo, browser_sign_in, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "first_name,last_name,email,building,roles\n"
        "Nia,New,nia.new@example.org,Prairie View High,educator\n"
        "Bad,Row,not-an-email,,educator\n"
    )
    browser_sign_in(page, demo_server, "admin@example.org", seeded_demo)
    page.goto(f"{demo_server.url}/district/people/import/")
    page.get_by_label("Roster file (CSV)").set_input_files(str(roster))
    page.get_by_role("button", name="Check the file").click()
    # Waits for the preview: is_visible() asked at once could read the page before the answer.
    expect(page.get_by_text("Nothing has been saved yet")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("Import only the valid rows").check()
    page.get_by_role("button", name="Import 1 change").click()
    expect(page.locator(".messages")).to_contain_text("1 new")


def test_educator_sees_progress(page, demo_server, axe, seeded_demo, browser_sign_in):
    browser_sign_in(page, demo_server, "educator@example.org", seeded_demo)
    progress = page.get_by_role("region", name="My progress")
    assert "of 2" in progress.inner_text()
    assert "Salary credit earned" in progress.inner_text()
    assert axe(page) == []


def test_background_export_shows_progress_then_download(
    page, demo_server, seeded_demo, browser_sign_in, settings
):
    settings.REPORTS_EXPORT_SYNC_ROWS = 1
    browser_sign_in(page, demo_server, "admin@example.org", seeded_demo)
    page.goto(f"{demo_server.url}/reports/salary/")
    page.get_by_role("button", name="Prepare CSV in the background").click()
    page.get_by_role("link", name="Download").wait_for(timeout=15000)
    assert "rows" in page.locator("#export-progress").inner_text()
