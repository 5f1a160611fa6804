"""seed_demo loads plans in every status, through the services, with realistic text."""

import pytest
from django.core.management import call_command

from submissions.demo import COLLEAGUES, PLANS
from submissions.models import Attempt, Submission
from submissions.selectors import plan_missing

Status = Submission.Status


@pytest.mark.django_db
def test_seed_demo_loads_plans_in_every_status():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.DRAFT,
        Status.PLAN_SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.PLAN_APPROVED,
        Status.IN_PROGRESS,
        Status.SUBMITTED_FOR_REVIEW,
        Status.NOT_YET,
        Status.EARNED,
        Status.DECLINED,
        Status.WITHDRAWN,
    }
    elena = Submission.objects.filter(educator__email="educator@example.org")
    assert set(elena.values_list("status", flat=True)) >= {
        Status.DRAFT,
        Status.PLAN_SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.PLAN_APPROVED,
        Status.IN_PROGRESS,
    }
    # The group plan: Elena leads, Marcus is on it with his own submission.
    group = elena.get(status=Status.PLAN_SUBMITTED).plan
    assert group.submissions.count() == 2
    # Other apps' demos add their own plans; these are the ones this demo wrote.
    ours = ["educator@example.org", *(email for email, *_ in COLLEAGUES)]
    titles = [text["title"] for text in PLANS.values()]
    written = Submission.objects.filter(educator__email__in=ours, plan__title__in=titles).exclude(
        status__in=[Status.DRAFT, Status.WITHDRAWN]
    )
    assert written.count() >= 8
    for submission in written:
        assert submission.plan.sources.count() >= 3
        assert plan_missing(submission.plan) == []
    assert Attempt.objects.filter(submission__status=Status.SUBMITTED_FOR_REVIEW).count() >= 1
