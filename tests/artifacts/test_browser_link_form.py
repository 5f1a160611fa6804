"""In Chromium: a link the evidence page refuses is sent back with its error where the person
is looking, at the "Add a link" form far down the page, not at the top of the page with the error
out of sight; what they typed is kept. Once a link is added, the page opens at its top, where
the message that says so is."""

import pytest
from playwright.sync_api import expect

from submissions.models import Submission
from tests.accounts.factories import PASSWORD, EducatorFactory
from tests.conftest import sign_in
from tests.submissions.factories import SubmissionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def evidence_page(page, live_server, browser_sign_in, transactional_db):
    educator = EducatorFactory(email="lin@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/plans/{submission.pk}/evidence/")
    return page


def add_link(page, url: str):
    form = page.locator("section", has=page.get_by_role("heading", name="Add a link"))
    form.get_by_label("Title").fill("Lesson video on the district platform")
    form.get_by_label("Link (https://…)").fill(url)
    for checkbox in form.get_by_role("checkbox").all():
        checkbox.check()
    form.get_by_role("button", name="Add link").click()
    page.wait_for_load_state("load")
    return form


def test_a_refused_link_comes_back_with_its_error_in_view_and_nothing_typed_lost(evidence_page):
    page = evidence_page
    form = add_link(page, "http://localhost/my-video")

    summary = form.get_by_role("alert")
    expect(summary).to_contain_text("Enter a full link that starts with https://.")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(form.get_by_label("Link (https://…)")).to_have_value("http://localhost/my-video")
    expect(form.get_by_label("Title")).to_have_value("Lesson video on the district platform")
    expect(form.get_by_role("button", name="Add link")).to_be_in_viewport()


def test_without_javascript_the_refused_link_still_lands_at_its_error(
    browser, live_server, transactional_db
):
    educator = EducatorFactory(email="noscript@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server, educator.email, PASSWORD)
    page.goto(f"{live_server.url}/plans/{submission.pk}/evidence/")
    form = add_link(page, "http://localhost/my-video")
    expect(form.get_by_role("alert")).to_be_in_viewport()
    context.close()


def test_an_added_link_opens_the_page_at_its_top_with_the_message(evidence_page):
    page = evidence_page
    add_link(page, "https://video.example.org/lesson-12")
    expect(
        page.get_by_text("Link “Lesson video on the district platform” added.")
    ).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0
