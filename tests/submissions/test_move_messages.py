"""A move the educator asks for at the wrong time, or too early, is a message they can act on.

Who may reach each plan page (owner, other roles, other educators, other districts, wrong
methods) is the authorization matrix's to check (tests/authz)."""

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests.submissions.factories import SubmissionFactory


@pytest.fixture
def submission(educator):
    return SubmissionFactory(plan__lead=educator)


def test_a_move_out_of_order_is_a_readable_message_not_a_500(client, submission):
    client.force_login(submission.educator)
    response = client.post(reverse("submissions:start_work", args=[submission.pk]), follow=True)
    assert response.status_code == 200
    assert "it cannot be moved to “In progress” now" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_submitting_an_incomplete_plan_lists_what_is_missing(client, submission):
    client.force_login(submission.educator)
    response = client.post(reverse("submissions:submit_plan", args=[submission.pk]), follow=True)
    page = response.content.decode()
    assert "The plan is not complete yet." in page
    assert "Basis of Knowledge: Add at least 3 research sources (0 so far). Implementation:" in page
    assert ".;" not in page
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT
