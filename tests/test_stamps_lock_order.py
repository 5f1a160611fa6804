"""Two commits of one district that bump its queue stamp and its report stamp in opposite orders
wait for each other instead of deadlocking (``microcreds.stamps``: every bump of a district
takes the district's lock first).

The stamps are bumped by deferred triggers at COMMIT; ``SET CONSTRAINTS <trigger> IMMEDIATE``
fires one of them early, which holds each transaction at the point where, in a real commit,
the first of its two bumps is done and the second is not.
"""

import threading

import psycopg2
import pytest
from django.db import connection

from reports.stamps import current_stamp as report_stamp
from reviews.models import ReviewAssignment
from reviews.stamps import current_stamp as queue_stamp
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import BuildingFactory, EducatorFactory
from tests.reviews.factories import PanelFactory, submission_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="stamps are PostgreSQL's"),
]


def _connect():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"] or None,
    )


def test_opposite_bump_orders_wait_for_each_other_instead_of_deadlocking(district, reviewer):
    PanelFactory(district=district, members=[reviewer])
    district.plan_reviewers_required = 1
    district.save()
    submissions = [
        submission_in(Submission.Status.PLAN_SUBMITTED, educator=EducatorFactory(district=district))
        for _ in range(2)
    ]
    for submission in submissions:
        assign_reviewers(submission.pk, "plan")
    first, second = (ReviewAssignment.objects.get(submission=s).pk for s in submissions)
    buildings = [BuildingFactory(district=district).pk for _ in range(2)]
    before = (queue_stamp(district_id=district.pk), report_stamp(district_id=district.pk))

    one, other = _connect(), _connect()
    try:
        with one.cursor() as a, other.cursor() as b:
            # One changes a review, then a building; the other a building, then a review.
            a.execute(
                "UPDATE reviews_reviewassignment SET due_at = due_at + interval '1 day' "
                "WHERE id = %s",
                [first],
            )
            a.execute(
                "UPDATE accounts_building SET name = name || ' A' WHERE id = %s", [buildings[0]]
            )
            b.execute(
                "UPDATE accounts_building SET name = name || ' B' WHERE id = %s", [buildings[1]]
            )
            b.execute(
                "UPDATE reviews_reviewassignment SET due_at = due_at + interval '2 days' "
                "WHERE id = %s",
                [second],
            )
            # Each does its first bump: the queue's for one, the reports' for the other.
            a.execute("SET CONSTRAINTS queue_stamp_reviews_reviewassignment_update IMMEDIATE")
            failures = []

            def other_commits():
                try:
                    b.execute("SET CONSTRAINTS reports_stamp_accounts_building IMMEDIATE")
                    other.commit()
                except psycopg2.Error as error:
                    failures.append(error)
                    other.rollback()

            waiting = threading.Thread(target=other_commits)
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive(), "the other commit did not wait for the district's lock"
            one.commit()  # its reports' bump: with the other holding the reports' row, a deadlock
            waiting.join(10)
            assert not waiting.is_alive() and failures == []
    finally:
        one.close()
        other.close()

    after = (queue_stamp(district_id=district.pk), report_stamp(district_id=district.pk))
    assert after[0] > before[0] and after[1] > before[1]
