"""In Chromium: a reviewer approves a plan component by component, then scores a submission
criterion by criterion; axe finds nothing serious on the queue or either page."""

import pytest
from playwright.sync_api import expect

from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import PASSWORD

from .factories import PanelFactory, submission_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SubmissionStatus = Submission.Status
FOR_REVIEW = SubmissionStatus.SUBMITTED_FOR_REVIEW


@pytest.fixture
def handed_off(monkeypatch):
    from badges.tasks import issue_award

    calls: list[int] = []
    monkeypatch.setattr(issue_award, "delay", lambda pk: calls.append(pk))
    return calls


def one_reviewer_panel(district, chair, reviewers):
    """The district's panel of one reviewer (and its chair), who alone scores evidence."""
    district.final_reviewers_required = 1
    district.save()
    PanelFactory(district=district, chair=chair, members=[reviewers[0]])
    return reviewers[0]


def assigned(status, teacher, title: str, stage: str):
    """A submission of ``teacher`` at ``status``, its plan called ``title``, its round assigned."""
    submission = submission_in(status, educator=teacher)
    submission.plan.title = title
    submission.plan.save()
    assign_reviewers(submission.pk, stage)
    return submission


def test_reviewer_approves_a_plan_and_scores_a_submission(
    page, live_server, axe, browser_sign_in, district, chair, teacher, reviewers, handed_off
):
    reviewer = one_reviewer_panel(district, chair, reviewers)
    plan_sub = assigned(SubmissionStatus.PLAN_SUBMITTED, teacher, "Station routines plan", "plan")
    final_sub = assigned(FOR_REVIEW, teacher, "Questioning plan", "final")
    assert plan_sub.review_assignments.get().reviewer == reviewer
    assert final_sub.review_assignments.get().reviewer == reviewer

    browser_sign_in(page, live_server, reviewer.email, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"
    assert axe(page) == []

    # Pre-approval: comment on a component, approve.
    page.get_by_role("link", name="Station routines plan").click()
    expect(page.get_by_role("heading", name="Implementation")).to_be_visible()
    page.get_by_label("Your comment on Implementation").fill("Keep the visible timer.")
    assert axe(page) == []
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Submit decision").click()
    page.wait_for_load_state("networkidle")
    assert "Your decision is recorded." in page.content()
    plan_sub.refresh_from_db()
    assert plan_sub.status == SubmissionStatus.PLAN_APPROVED

    # Scoring: a level and feedback per criterion, an overall comment.
    page.get_by_role("link", name="← Review queue").click()
    page.get_by_role("link", name="Questioning plan").click()
    for title in ("Criterion 1", "Criterion 2"):
        page.get_by_role("group", name=f"Level for “{title}”").get_by_label(
            "Demonstrated (2)"
        ).check()
        page.get_by_label(f"Feedback on “{title}”").fill(f"{title} is clearly met.")
    page.get_by_label("Overall comment to the educator").fill("Well documented.")
    assert axe(page) == []
    page.get_by_role("button", name="Submit scores").click()
    page.wait_for_load_state("networkidle")
    assert "Your scores are recorded." in page.content()
    final_sub.refresh_from_db()
    assert final_sub.status == SubmissionStatus.EARNED
    assert handed_off == [final_sub.pk]


def test_a_reviewer_who_missed_a_criterion_sees_what_is_missing_where_she_is(
    page, live_server, browser_sign_in, district, chair, teacher, reviewers, handed_off
):
    reviewer = one_reviewer_panel(district, chair, reviewers)
    final_sub = assigned(FOR_REVIEW, teacher, "Questioning plan", "final")
    browser_sign_in(page, live_server, reviewer.email, PASSWORD)
    page.get_by_role("link", name="Questioning plan").click()
    page.get_by_role("group", name="Level for “Criterion 1”").get_by_label(
        "Demonstrated (2)"
    ).check()
    page.get_by_label("Feedback on “Criterion 1”").fill("Criterion 1 is clearly met.")
    # The button is at the foot of the rubric; the page comes back from the server.
    page.get_by_role("button", name="Submit scores").click()
    page.wait_for_load_state("networkidle")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Please correct the following")
    expect(page.get_by_label("Feedback on “Criterion 1”")).to_have_value(
        "Criterion 1 is clearly met."
    )
    final_sub.refresh_from_db()
    assert final_sub.status == SubmissionStatus.SUBMITTED_FOR_REVIEW and handed_off == []
