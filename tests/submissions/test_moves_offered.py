"""The plan page offers exactly the moves the status table allows, and no resubmission once the
district's attempts are used: the buttons are drawn from the table, never written beside it."""

import re

import pytest
from django.urls import reverse

from submissions.models import Submission
from submissions.transitions import ALLOWED_MOVES, EDUCATOR_MOVES
from tests.submissions.factories import SubmissionFactory

Status = Submission.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(educator):
    return SubmissionFactory(plan__lead=educator)


def offered_actions(client, submission) -> set[str]:
    page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    actions = set()
    for action in EDUCATOR_MOVES:
        url = reverse(f"submissions:{action}", args=[submission.pk])
        if re.search(rf'<form method="post" action="{re.escape(url)}"', page):
            actions.add(action)
    return actions


@pytest.mark.parametrize("status", Status.values)
def test_the_page_offers_every_move_the_table_allows_and_no_other(client, submission, status):
    Submission.objects.filter(pk=submission.pk).update(status=status)
    client.force_login(submission.educator)
    allowed = {
        action for action, move in EDUCATOR_MOVES.items() if move.to_status in ALLOWED_MOVES[status]
    }
    assert offered_actions(client, submission) == allowed


def test_no_resubmission_is_offered_once_the_attempts_are_used(client, submission):
    district = submission.district
    district.max_attempts = 2
    district.save(update_fields=["max_attempts"])
    Submission.objects.filter(pk=submission.pk).update(status=Status.NOT_YET, attempt_count=1)
    client.force_login(submission.educator)
    assert "resubmit" in offered_actions(client, submission)

    Submission.objects.filter(pk=submission.pk).update(attempt_count=2)
    assert offered_actions(client, submission) == {"withdraw"}
    response = client.post(reverse("submissions:resubmit", args=[submission.pk]), follow=True)
    assert "You have used all 2 attempts" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.NOT_YET


@pytest.mark.parametrize(
    ("limit", "used", "left"), [(None, 5, None), (3, 0, 3), (3, 2, 1), (3, 3, 0), (2, 3, 0)]
)
def test_attempts_left(submission, limit, used, left):
    submission.district.max_attempts = limit
    submission.attempt_count = used
    assert submission.attempts_left == left
