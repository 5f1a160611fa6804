"""In Chromium: an admin writes, scores and publishes an entry; an educator finds and reads it.
axe finds nothing serious or critical on any catalog page."""

import pytest
from playwright.sync_api import expect

from credentials import demo
from credentials.models import MicroCredential

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog(district, educator, reviewer, district_admin, building):
    people = {"educator": educator, "reviewer": reviewer, "admin": district_admin}
    demo.seed_demo(district=district, people=people, buildings={building.name: building})
    return district


def test_admin_writes_scores_and_publishes_an_entry(
    page, live_server, axe, catalog, district_admin, password, browser_sign_in
):
    browser_sign_in(page, live_server, district_admin.email, password)
    page.get_by_role("link", name="Manage catalog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage the catalog")
    assert axe(page) == []

    page.get_by_role("link", name="New micro-credential").click()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the error summary
    assert axe(page) == []
    page.get_by_label("Title", exact=True).fill("Student-Led Conferences")
    page.get_by_label("Competency statement").fill(
        "The educator prepares students to lead conferences about their learning."
    )
    page.get_by_label("Video", exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rubric of")
    assert axe(page) == []

    # The level rows come filled with "Not yet" / "Demonstrated".
    page.get_by_label("Title", exact=True).fill("Conference video")
    page.get_by_label("Passing score", exact=True).fill("2")
    page.get_by_role("button", name="Add the criterion").click()
    expect(page.get_by_role("row", name="Conference video")).to_be_visible()

    page.get_by_role("link", name="Back to the preview").click()
    assert axe(page) == []
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    entry = MicroCredential.objects.get(title="Student-Led Conferences")
    assert entry.status == MicroCredential.Status.PUBLISHED
    assert entry.rubric.criteria.get().levels.count() == 2


def test_educator_searches_filters_and_reads_an_entry(
    page, live_server, axe, catalog, educator, password, browser_sign_in
):
    browser_sign_in(page, live_server, educator.email, password)
    page.get_by_role("link", name="Catalog", exact=True).click()
    assert axe(page) == []
    results = page.locator(".catalog-card h3")
    expect(results).to_have_count(8)
    # With JavaScript the results follow the filters as they change (htmx), no button needed.
    page.get_by_label("Stack").select_option(label="Classroom Management")
    expect(results).to_have_count(5)
    page.get_by_label("Search", exact=True).fill("routines")
    expect(results).to_have_text(["Classroom Expectations and Routines"])
    expect(page.get_by_role("status")).to_have_text("1 micro-credential found.")
    assert "q=routines" in page.url
    results.first.get_by_role("link").click()
    # Waits for the entry's page: read at once, the heading may still be the catalog's.
    expect(page.get_by_role("heading", level=1)).to_have_text("Classroom Expectations and Routines")
    for section in ("Competency", "Key method", "Evidence", "Rubric"):
        assert page.get_by_role("heading", name=section, exact=True).is_visible()
    assert page.get_by_role("table").is_visible()
    assert axe(page) == []
