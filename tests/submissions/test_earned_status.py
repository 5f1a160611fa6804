"""An earned plan says what became of its award: the educator's plans list and the plan page
mark a revoked or expired award, and the next step says it no longer counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Award
from submissions.selectors import next_step
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db
DECIDED = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("award", "label", "step"),
    [
        ({}, "Earned", "Earned. Nothing more to do."),
        ({"state": Award.State.PREPARING}, "Earned", "being issued"),
        ({"revoked_at": timezone.now()}, "Earned · award revoked", "revoked its award"),
        (
            {"expires_at": timezone.now() - dt.timedelta(days=1)},
            "Earned · award expired",
            "expired on",
        ),
    ],
    ids=["counts", "preparing", "revoked", "expired"],
)
def test_the_plans_list_and_the_plan_page_say_whether_the_award_counts(
    client, educator, award, label, step
):
    submission = earned_submission(educator=educator, decided_on=DECIDED, award=award)
    assert step in next_step(submission)
    client.force_login(educator)
    dashboard = client.get(reverse("submissions:dashboard")).content.decode()
    assert f">{label}</span>" in dashboard
    plan_page = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert f">{label}</span>" in plan_page
    assert step in plan_page


def test_the_plans_list_reads_every_award_in_one_query(
    client, educator, django_assert_max_num_queries
):
    for day in range(3):
        earned_submission(educator=educator, decided_on=DECIDED + dt.timedelta(days=day))
    client.force_login(educator)
    client.get(reverse("submissions:dashboard"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("submissions:dashboard"))
    for day in range(3, 8):
        earned_submission(educator=educator, decided_on=DECIDED + dt.timedelta(days=day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("submissions:dashboard"))
