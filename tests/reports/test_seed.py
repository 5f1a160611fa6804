import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import District, State, User
from credentials.models import MicroCredential
from credentials.services import publish_problems
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


def test_every_published_entry_of_a_seeded_district_has_a_rubric_to_be_reviewed_by():
    call_command("seed_scale", educators=2, plans=10, slug="bulk", seed=3)
    published = MicroCredential.objects.filter(
        district__slug="bulk", status=MicroCredential.Status.PUBLISHED
    )
    assert published.count() == 40
    assert not published.filter(rubric__isnull=True).exists()
    # The rubric is the one a district's own entry is published with: five criteria, each of
    # which a reviewer can score as met or as not met.
    for entry in published:
        assert publish_problems(entry) == []
        assert entry.rubric.criteria.count() == 5


def test_seed_scale_refuses_an_existing_slug(district):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_scale", educators=1, plans=1, slug=district.slug)


def test_seed_scale_builds_a_state_of_districts_sharing_the_educators_and_plans(client):
    call_command("seed_scale", districts=3, educators=10, plans=31, slug="plains", seed=2)
    state = State.objects.get(slug="plains")
    districts = list(District.objects.filter(state=state).order_by("slug"))
    assert [d.slug for d in districts] == ["plains-1", "plains-2", "plains-3"]
    educators = [User.objects.filter(district=d, is_educator=True).count() for d in districts]
    plans = [Submission.objects.filter(district=d).count() for d in districts]
    assert educators == [4, 3, 3] and plans == [11, 10, 10]
    assert all(User.objects.filter(email=f"admin@{d.slug}.example.org").exists() for d in districts)
    admin = User.objects.get(email="state-admin@plains.example.org")
    assert admin.state_id == state.pk and admin.district_id is None
    client.force_login(admin)
    page = client.get(reverse("states:dashboard"))
    assert page.status_code == 200
    for district in districts:
        assert district.name in page.content.decode()


def test_seed_scale_refuses_a_state_that_exists():
    from django.core.management.base import CommandError

    call_command("seed_scale", districts=1, educators=1, plans=0, slug="plains")
    with pytest.raises(CommandError, match="exists already"):
        call_command("seed_scale", districts=2, educators=2, plans=0, slug="plains")
    with pytest.raises(CommandError, match="every district"):
        call_command("seed_scale", districts=3, educators=2, plans=0, slug="other")
