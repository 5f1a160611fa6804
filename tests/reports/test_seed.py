import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import District, User
from programs.models import ProgramCycle, RenewalRule
from reports import selectors
from reports.selectors import ReportFilters
from submissions.models import Attempt, Submission

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_consistent_district(client):
    call_command("seed_scale", educators=40, plans=500, slug="bulk", seed=3)
    district = District.objects.get(slug="bulk")
    assert User.objects.filter(district=district, is_educator=True).count() == 40
    subs = Submission.objects.filter(district=district)
    assert subs.count() == 500
    assert subs.filter(status="earned", decided_at__isnull=True).count() == 0
    assert subs.filter(status="draft", plan_submitted_at__isnull=False).count() == 0
    assert not Attempt.objects.filter(submission__status="draft").exists()
    # Timestamps are spread over the past, not all "now".
    assert subs.dates("created_at", "month").count() > 6
    assert ProgramCycle.objects.filter(district=district).count() == 5
    assert RenewalRule.objects.filter(district=district).exists()
    funnel = selectors.funnel(district=district, filters=ReportFilters())
    assert funnel["stages"][0]["count"] == 500
    assert 0 < funnel["stages"][-1]["count"] < 500
    admin = User.objects.get(email="admin@bulk.example.org")
    client.force_login(admin)
    for name in ("funnel", "completions", "turnaround", "relicensure", "salary"):
        assert client.get(reverse(f"reports:{name}")).status_code == 200


def test_seed_scale_refuses_an_existing_slug(district):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_scale", educators=1, plans=1, slug=district.slug)
