"""seed_demo loads plans in every status, through the services, with realistic text."""

import pytest
from django.core.management import call_command

from submissions.demo import COLLEAGUES, PLANS
from submissions.models import Attempt, Submission
from submissions.selectors import plan_missing

S = Submission.Status


@pytest.mark.django_db
def test_seed_demo_loads_plans_in_every_status():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses >= {
        S.DRAFT,
        S.PLAN_SUBMITTED,
        S.CHANGES_REQUESTED,
        S.PLAN_APPROVED,
        S.IN_PROGRESS,
        S.SUBMITTED_FOR_REVIEW,
        S.NOT_YET,
        S.EARNED,
        S.DECLINED,
        S.WITHDRAWN,
    }
    elena = Submission.objects.filter(educator__email="educator@example.org")
    assert set(elena.values_list("status", flat=True)) >= {
        S.DRAFT,
        S.PLAN_SUBMITTED,
        S.CHANGES_REQUESTED,
        S.PLAN_APPROVED,
        S.IN_PROGRESS,
    }
    # The group plan: Elena leads, Marcus is on it with his own submission.
    group = elena.get(status=S.PLAN_SUBMITTED).plan
    assert group.submissions.count() == 2
    # Other apps' demos add their own plans; these are the ones this demo wrote.
    ours = ["educator@example.org", *(email for email, *_ in COLLEAGUES)]
    titles = [text["title"] for text in PLANS.values()]
    written = Submission.objects.filter(educator__email__in=ours, plan__title__in=titles).exclude(
        status__in=[S.DRAFT, S.WITHDRAWN]
    )
    assert written.count() >= 8
    for submission in written:
        assert submission.plan.sources.count() >= 3
        assert plan_missing(submission.plan) == []
    assert Attempt.objects.filter(submission__status=S.SUBMITTED_FOR_REVIEW).count() >= 1
