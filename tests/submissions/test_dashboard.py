"""The educator's dashboard: each plan, its status in words, the next step, the deadline."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import ProgramCycle
from submissions import selectors, services
from submissions.models import Submission
from tests.accounts.factories import DistrictFactory, EducatorFactory
from tests.programs.factories import ProgramCycleFactory
from tests.submissions.factories import SubmissionFactory

Status = Submission.Status
DAY = datetime.timedelta(days=1)


def cycle_around(district, today, *, name="This term", plan_in=10, evidence_in=60):
    """A cycle under way ``today`` whose deadlines fall the given number of days from it."""
    return ProgramCycleFactory(
        district=district,
        name=name,
        starts_on=today - 30 * DAY,
        ends_on=today + 90 * DAY,
        plan_deadline=today + plan_in * DAY,
        evidence_deadline=today + evidence_in * DAY,
    )


def test_each_plan_shows_its_status_in_words_next_step_and_deadline(client, educator):
    today = timezone.localdate()
    cycle_around(educator.district, today, name="Spring term", plan_in=5, evidence_in=40)
    draft = SubmissionFactory(plan__lead=educator, plan__title="Smooth transitions")
    approved = SubmissionFactory(plan__lead=educator, status=Status.PLAN_APPROVED)
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "Smooth transitions" in page
    assert reverse("submissions:detail", args=[draft.pk]) in page
    assert ">Draft</span>" in page and ">Plan approved</span>" in page
    assert "Complete each part of the plan and submit it for pre-approval." in page
    assert "Start the work when you are ready." in page
    plan_due = today + 5 * DAY
    evidence_due = today + 40 * DAY
    assert f'Plan due <time datetime="{plan_due:%Y-%m-%d}">' in page
    assert f'Evidence due <time datetime="{evidence_due:%Y-%m-%d}">' in page
    assert "(Spring term)" in page
    assert "Overdue" not in page
    assert approved.plan.microcredential.title in page


def test_a_passed_deadline_says_overdue_in_words(client, educator):
    today = timezone.localdate()
    cycle_around(educator.district, today, plan_in=-3)
    SubmissionFactory(plan__lead=educator)
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert f'Plan due <time datetime="{today - 3 * DAY:%Y-%m-%d}">' in page
    assert ">Overdue</strong>" in page


def test_without_cycles_there_is_no_deadline(client, educator):
    SubmissionFactory(plan__lead=educator)
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "<td>None</td>" in page and " due <time" not in page


def test_a_finished_plan_or_one_waiting_on_the_panel_has_no_deadline(client, educator):
    cycle_around(educator.district, timezone.localdate())
    SubmissionFactory(plan__lead=educator, status=Status.EARNED)
    SubmissionFactory(plan__lead=educator, status=Status.SUBMITTED_FOR_REVIEW)
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert page.count("<td>None</td>") == 2 and " due <time" not in page


def test_another_districts_cycles_do_not_apply(client, educator):
    cycle_around(DistrictFactory(), timezone.localdate())
    SubmissionFactory(plan__lead=educator)
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "<td>None</td>" in page and " due <time" not in page


def test_the_plan_page_shows_the_deadline_of_its_next_step(client, educator):
    today = timezone.localdate()
    cycle_around(educator.district, today, evidence_in=-1)
    working = SubmissionFactory(plan__lead=educator, status=Status.IN_PROGRESS)
    client.force_login(educator)
    page = client.get(reverse("submissions:detail", args=[working.pk])).content.decode()
    assert f'Deadline: Evidence due <time datetime="{today - DAY:%Y-%m-%d}">' in page
    assert ">Overdue</strong>" in page


TODAY = datetime.date(2026, 11, 30)
FALL = ProgramCycle(
    name="Fall 2026",
    starts_on=datetime.date(2026, 8, 17),
    ends_on=datetime.date(2026, 12, 18),
    plan_deadline=datetime.date(2026, 9, 15),
    evidence_deadline=datetime.date(2026, 12, 11),
)
SPRING = ProgramCycle(
    name="Spring 2027",
    starts_on=datetime.date(2027, 1, 4),
    ends_on=datetime.date(2027, 5, 21),
    plan_deadline=datetime.date(2027, 2, 1),
    evidence_deadline=datetime.date(2027, 5, 1),
)


@pytest.mark.parametrize(
    "status, expected",
    [
        (Status.DRAFT, ("Plan", datetime.date(2026, 9, 15), True)),
        (Status.CHANGES_REQUESTED, ("Plan", datetime.date(2026, 9, 15), True)),
        (Status.PLAN_APPROVED, ("Evidence", datetime.date(2026, 12, 11), False)),
        (Status.IN_PROGRESS, ("Evidence", datetime.date(2026, 12, 11), False)),
        (Status.NOT_YET, ("Evidence", datetime.date(2026, 12, 11), False)),
        (Status.PLAN_SUBMITTED, None),
        (Status.SUBMITTED_FOR_REVIEW, None),
        (Status.RESUBMITTED, None),
        (Status.EARNED, None),
        (Status.DECLINED, None),
        (Status.WITHDRAWN, None),
    ],
)
def test_the_deadline_follows_the_next_step_in_the_current_cycle(status, expected):
    deadline = selectors.next_deadline(
        Submission(status=status), cycles=[FALL, SPRING], today=TODAY
    )
    if expected is None:
        assert deadline is None
    else:
        assert (deadline.what, deadline.day, deadline.overdue) == expected
        assert deadline.cycle == "Fall 2026"


def test_between_cycles_the_next_cycle_applies():
    winter_break = datetime.date(2026, 12, 24)
    deadline = selectors.next_deadline(
        Submission(status=Status.DRAFT), cycles=[FALL, SPRING], today=winter_break
    )
    assert (deadline.day, deadline.cycle, deadline.overdue) == (
        datetime.date(2027, 2, 1),
        "Spring 2027",
        False,
    )


def test_a_cycle_without_that_deadline_or_no_cycle_left_gives_none():
    no_dates = ProgramCycle(
        name="Summer", starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 12, 31)
    )
    draft = Submission(status=Status.DRAFT)
    assert selectors.next_deadline(draft, cycles=[no_dates], today=TODAY) is None
    assert selectors.next_deadline(draft, cycles=[FALL], today=datetime.date(2027, 1, 5)) is None


def test_the_dashboard_lists_only_the_educators_own_plans(client, educator, other_educator):
    SubmissionFactory(plan__lead=other_educator, plan__title="Their plan")
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "Their plan" not in page
    assert "You have no plans yet." in page


def test_group_size_is_shown(client, educator, other_educator):
    mine = SubmissionFactory(plan__lead=educator)
    services.plan_member_add(submission=mine, colleague=other_educator, actor=educator)
    client.force_login(educator)
    assert "2 educators" in client.get(reverse("submissions:dashboard")).content.decode()


def add_group_plans(educator, count: int) -> None:
    for _ in range(count):
        submission = SubmissionFactory(plan__lead=educator)
        colleague = EducatorFactory(district=educator.district)
        services.plan_member_add(submission=submission, colleague=colleague, actor=educator)


def test_the_dashboard_query_count_does_not_grow_with_plans(
    client, educator, django_assert_max_num_queries
):
    cycle_around(educator.district, timezone.localdate())
    add_group_plans(educator, 1)
    client.force_login(educator)
    with CaptureQueriesContext(connection) as one_plan:
        client.get(reverse("submissions:dashboard"))
    # Sign-in, the navigation and other apps' banners add a few; the plans are one query.
    assert len(one_plan) <= 10
    add_group_plans(educator, 11)
    with django_assert_max_num_queries(len(one_plan)):
        response = client.get(reverse("submissions:dashboard"))
    assert len(response.context["rows"]) == 12


def test_the_plan_page_query_count_does_not_grow_with_members_and_sources(
    client, educator, django_assert_max_num_queries
):
    from tests.submissions.factories import PlanSourceFactory

    mine = SubmissionFactory(plan__lead=educator)
    PlanSourceFactory(plan=mine.plan)
    services.plan_member_add(
        submission=mine, colleague=EducatorFactory(district=educator.district), actor=educator
    )
    client.force_login(educator)
    url = reverse("submissions:detail", args=[mine.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(6):
        PlanSourceFactory(plan=mine.plan)
        services.plan_member_add(
            submission=mine, colleague=EducatorFactory(district=educator.district), actor=educator
        )
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["members"]) == 8
