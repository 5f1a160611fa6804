"""The educator's dashboard: each plan, its status in words, the next step, the deadline."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from submissions import services
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory
from tests.submissions.factories import SubmissionFactory

S = Submission.Status


def test_each_plan_shows_its_status_in_words_next_step_and_deadline(client, educator):
    draft = SubmissionFactory(plan__lead=educator, plan__title="Smooth transitions")
    approved = SubmissionFactory(
        plan__lead=educator, status=S.PLAN_APPROVED, deadline=datetime.date(2027, 3, 1)
    )
    client.force_login(educator)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "Smooth transitions" in page
    assert reverse("submissions:detail", args=[draft.pk]) in page
    assert ">Draft</span>" in page and ">Plan approved</span>" in page
    assert "Complete the five components and submit the plan for pre-approval." in page
    assert "Start the work when you are ready." in page
    assert "Mar 1, 2027" in page
    assert approved.plan.microcredential.title in page


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
