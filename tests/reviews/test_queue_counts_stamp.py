"""The reviewer queue's counts and first page are filed under the district's queue stamp: read
back from the cache until a review, its round or its submission moves (however it is written),
a name or title a row shows changes, or (the counts) a due time passes; and the queue stamp and
the reports' stamp move apart.

These tests commit (``transaction=True``): inside a transaction that has written, no stamp is
trusted and the counts are counted every time.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Building, User
from credentials.models import MicroCredential, Stack
from reports.stamps import current_stamp as report_stamp
from reviews import selectors
from reviews.models import ReviewAssignment, StageReview
from reviews.stamps import current_stamp as queue_stamp
from reviews.tasks import assign_reviewers
from submissions.models import Plan, Submission
from submissions.services import submission_withdraw
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import StackFactory

from .factories import submission_in

pytestmark = pytest.mark.django_db(transaction=True)

needs_stamps = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no stamps: it counts every time"
)


def _plan_waiting(district) -> Submission:
    submission = submission_in(
        Submission.Status.PLAN_SUBMITTED, educator=EducatorFactory(district=district)
    )
    assign_reviewers(submission.pk, "plan")
    return submission


def _queue(client) -> tuple[dict, list[str]]:
    """The counts the queue shows, and the SQL of the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    return response.context["counts"], [q["sql"] for q in queries.captured_queries]


def _counted(sql: list[str]) -> bool:
    return any('COUNT("reviews_reviewassignment"."id")' in q for q in sql)


@pytest.fixture
def every_reviewer(district, panel):
    district.plan_reviewers_required = 3
    district.save()
    return district


@needs_stamps
def test_the_counts_are_read_back_until_something_they_count_moves(
    client, every_reviewer, reviewers
):
    district = every_reviewer
    plans = [_plan_waiting(district) for _ in range(3)]
    client.force_login(reviewers[0])

    counts, sql = _queue(client)
    assert counts == {"plan": 3, "final": 0, "overdue": 0} and _counted(sql)
    counts, sql = _queue(client)
    assert counts == {"plan": 3, "final": 0, "overdue": 0} and not _counted(sql)

    # Each change below is written a different way: a service, a bare UPDATE, a new round.
    submission_withdraw(submission=plans[0], actor=plans[0].educator)
    counts, sql = _queue(client)
    assert counts["plan"] == 2 and _counted(sql)

    StageReview.objects.filter(submission=plans[1]).update(status=StageReview.Status.CHAIR)
    assert _queue(client)[0]["plan"] == 1

    _plan_waiting(district)
    assert _queue(client)[0]["plan"] == 2

    ReviewAssignment.objects.filter(submission=plans[2], reviewer=reviewers[0]).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert _queue(client)[0] == {"plan": 2, "final": 0, "overdue": 1}
    # Another reviewer's move changes the stamp too, but not these counts.
    ReviewAssignment.objects.filter(submission=plans[2], reviewer=reviewers[1]).update(
        status=ReviewAssignment.Status.SUBMITTED
    )
    assert _queue(client)[0] == {"plan": 2, "final": 0, "overdue": 1}


@needs_stamps
def test_a_due_time_passing_counts_again(every_reviewer, reviewers):
    district = every_reviewer
    submission = _plan_waiting(district)
    reviewer = reviewers[0]
    start = timezone.now()
    due = start + dt.timedelta(hours=2)
    ReviewAssignment.objects.filter(submission=submission).update(due_at=due)

    assert selectors.queue_counts(user=reviewer, now=start)["overdue"] == 0
    with CaptureQueriesContext(connection) as queries:
        later = selectors.queue_counts(user=reviewer, now=due - dt.timedelta(seconds=1))
    assert later["overdue"] == 0 and not _counted([q["sql"] for q in queries.captured_queries])
    assert selectors.queue_counts(user=reviewer, now=due)["overdue"] == 0  # due, not overdue
    assert selectors.queue_counts(user=reviewer, now=due + dt.timedelta(seconds=1))["overdue"] == 1
    # A page that started before the counts were filed does not read them.
    assert selectors.queue_counts(user=reviewer, now=start)["overdue"] == 0


@needs_stamps
def test_the_queue_and_the_reports_keep_stamps_of_their_own(every_reviewer, reviewers):
    district = every_reviewer
    submission = _plan_waiting(district)
    queue_before, report_before = (
        queue_stamp(district_id=district.pk),
        report_stamp(district_id=district.pk),
    )

    ReviewAssignment.objects.filter(submission=submission).update(
        due_at=timezone.now() + dt.timedelta(days=9)
    )
    assert queue_stamp(district_id=district.pk) > queue_before
    assert report_stamp(district_id=district.pk) == report_before

    queue_before = queue_stamp(district_id=district.pk)
    Plan.objects.filter(pk=submission.plan_id).update(rationale="A new rationale")
    assert queue_stamp(district_id=district.pk) == queue_before
    # The queue shows the plan's title, the reports do not.
    Plan.objects.filter(pk=submission.plan_id).update(title="A new title")
    assert queue_stamp(district_id=district.pk) > queue_before
    assert report_stamp(district_id=district.pk) == report_before
    queue_before = queue_stamp(district_id=district.pk)

    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.CHANGES_REQUESTED)
    assert queue_stamp(district_id=district.pk) > queue_before
    assert report_stamp(district_id=district.pk) > report_before


def test_counts_inside_a_transaction_that_has_written_are_counted_afresh(every_reviewer, reviewers):
    from django.db import transaction

    district = every_reviewer
    submission = _plan_waiting(district)
    reviewer = reviewers[0]
    assert selectors.queue_counts(user=reviewer)["plan"] == 1
    with transaction.atomic():
        submission_withdraw(submission=submission, actor=submission.educator)
        assert selectors.queue_counts(user=reviewer)["plan"] == 0
    assert selectors.queue_counts(user=reviewer)["plan"] == 0


def _rows_read(sql: list[str]) -> bool:
    return any("LIMIT 51" in q for q in sql)


@needs_stamps
def test_the_first_page_is_read_back_until_a_value_it_shows_changes(
    client, every_reviewer, reviewers, south
):
    district = every_reviewer
    submission = _plan_waiting(district)
    plan = submission.plan
    microcredential = plan.microcredential
    MicroCredential.objects.filter(pk=microcredential.pk).update(
        stack=StackFactory(district=district, name="Literacy stack")
    )
    Building.objects.filter(pk=south.pk).update(name="North")
    User.objects.filter(pk=submission.educator_id).update(building=south)
    client.force_login(reviewers[0])

    def shown() -> tuple[str, bool]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("reviews:queue")).content.decode()
        return page, _rows_read([q["sql"] for q in queries.captured_queries])

    page, read = shown()
    assert read and "Literacy stack" in page and "North" in page
    page, read = shown()
    assert not read and "Literacy stack" in page

    # Each value a row shows, changed as anyone could change it: the next page shows it.
    changes = [
        (
            lambda: User.objects.filter(pk=submission.educator_id).update(first_name="Renamed"),
            "Renamed",
        ),
        (lambda: Building.objects.filter(name="North").update(name="North Campus"), "North Campus"),
        (lambda: Plan.objects.filter(pk=plan.pk).update(title="Retitled plan"), "Retitled plan"),
        (
            lambda: MicroCredential.objects.filter(pk=microcredential.pk).update(
                title="Retitled entry"
            ),
            "Retitled entry",
        ),
        (
            lambda: Stack.objects.filter(name="Literacy stack").update(name="Reading stack"),
            "Reading stack",
        ),
        (lambda: StageReview.objects.filter(submission=submission).update(round=2), "Round 2"),
    ]
    for change, text in changes:
        assert text not in page
        change()
        page, read = shown()
        assert read and text in page, text
    # An autosave of the plan's text (not its title) leaves the page filed.
    Plan.objects.filter(pk=plan.pk).update(rationale="Typed on.")
    assert not shown()[1]
