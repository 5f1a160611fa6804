"""The district admin's dashboard: the numbers of their own district only, led by the
program's headline figures (read from the reports, cached under the report stamp)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from badges.models import Award
from reports import selectors
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory
from tests.reports.test_report_views import populate

FIGURES = ["stages", "earned", "pass_rate", "turnaround", "renewal"]


def test_admin_dashboard_counts_only_its_own_district(
    client, district_admin, educator, outsider_educator, outsider_admin
):
    from tests.accounts.factories import EducatorFactory

    EducatorFactory.create_batch(3, district=outsider_admin.district)
    client.force_login(district_admin)
    response = client.get(reverse("people:admin_dashboard"))
    assert response.context["counts"]["people"] == 2  # the admin and the educator
    client.force_login(outsider_admin)
    response = client.get(reverse("people:admin_dashboard"))
    assert response.context["counts"]["people"] == 5


# --- The program's headline figures ------------------------------------------------------------


@pytest.fixture
def renewal_rule(district):
    today = timezone.localdate()
    cycle = ProgramCycleFactory(
        district=district,
        name="This term",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=90),
    )
    return RenewalRuleFactory(
        district=district,
        first_cycle=cycle,
        required_count=2,
        window_cycles=1,
        effective_from=today - dt.timedelta(days=30),
        at_risk_days=365,
    )


def test_the_dashboard_leads_with_the_programs_figures_each_linking_to_its_report(
    client, district_admin, renewal_rule
):
    populate(district_admin.district, 3)
    client.force_login(district_admin)
    response = client.get(reverse("people:admin_dashboard"))
    cards = {card["key"]: card for card in response.context["figures"]}
    assert list(cards) == FIGURES
    headline = selectors.program_headline(district=district_admin.district)
    assert cards["stages"]["figure"] == headline["open"] == 6
    assert cards["earned"]["title"] == "Earned in This term"
    assert cards["pass_rate"]["figure"] == f"{headline['pass_rates']['first_rate']:g} %"
    assert cards["renewal"]["figure"] == 3  # three educators, none has earned two yet
    html = response.content.decode()
    for card, report in zip(
        FIGURES, ["funnel", "completions", "completions", "turnaround", "relicensure"], strict=True
    ):
        assert reverse(f"reports:{report}") in cards[card]["url"]
        assert f'href="{cards[card]["url"].replace("&", "&amp;")}"' in html
        assert f'id="headline-{card.replace("_", "-")}"' in html or card == "earned"
    assert "?renewal=at_risk" in cards["renewal"]["url"]
    # The stages card shows two figures, the plans open now and (its bars) every plan that ever
    # reached each stage: its visible words name both.
    stages_card = html.split('id="figure-stages"')[1].split("</li>")[0]
    assert "plans under way now" in stages_card
    assert "every plan that reached each stage, in every cycle" in stages_card
    assert f"?cycle={renewal_rule.first_cycle.pk}" in cards["earned"]["url"]


def test_the_dashboard_costs_a_fixed_number_of_queries(
    client, district_admin, renewal_rule, django_assert_max_num_queries
):
    client.force_login(district_admin)
    url = reverse("people:admin_dashboard")
    populate(district_admin.district, 2)
    client.get(url)  # the session and the person, read once
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    populate(district_admin.district, 12)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
    # Computed afresh here (the test's transaction has written, so no stamp is trusted): the
    # session, the person, the unread notifications, the counts and each figure's aggregates,
    # whatever the district's size.
    with django_assert_max_num_queries(23):
        client.get(url)


def test_a_district_without_rules_or_history_still_has_its_dashboard(client, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("people:admin_dashboard"))
    assert response.status_code == 200
    cards = {card["key"]: card for card in response.context["figures"]}
    assert list(cards) == ["stages", "earned", "pass_rate", "turnaround"]
    assert cards["pass_rate"]["figure"] == "—" and cards["turnaround"]["figure"] == "—"


@pytest.mark.django_db(transaction=True)
def test_the_figures_are_read_from_the_cache_until_the_data_changes(client, district_admin):
    """Committed data, a trusted stamp: a second visit costs one query for the stamp, none for
    the figures; a change moves the stamp and the figures are computed again."""
    populate(district_admin.district, 2)
    client.force_login(district_admin)
    url = reverse("people:admin_dashboard")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as cached:
        response = client.get(url)
    assert len(cached) <= len(first) - 8
    before = {card["key"]: card["figure"] for card in response.context["figures"]}
    populate(district_admin.district, 1)
    response = client.get(url)
    after = {card["key"]: card["figure"] for card in response.context["figures"]}
    assert after["stages"] == before["stages"] + 2


def test_a_revoked_award_is_still_earned_in_the_funnel_but_not_held(
    client, district_admin, settings, tmp_path
):
    """The two figures differ by the revoked award, and their labels say why: the funnel's
    bars count plans that reached a stage; "held" counts the awards that still count."""
    from badges.services import award_issue_for_submission, award_revoke
    from tests.accounts.factories import EducatorFactory
    from tests.badges.factories import earned_submission

    settings.BADGE_KEYS_DIR = tmp_path
    educator = EducatorFactory(district=district_admin.district)
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    award_revoke(award=award, reason="Issued in error.", actor=district_admin)
    client.force_login(district_admin)
    response = client.get(reverse("people:admin_dashboard"))
    html = response.content.decode()
    assert response.context["counts"]["earned"] == 0
    assert "<dt>Micro-credentials held</dt><dd>0</dd>" in html
    assert "not revoked or expired" in html
    stages = {card["key"]: card for card in response.context["figures"]}["stages"]
    assert "Plans that reached each stage" in str(stages["chart"])


# --- The numbers at a glance ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_numbers_at_a_glance_are_cached_and_exact_after_a_change(client, district_admin):
    """Committed data: a second visit reads the numbers from the cache (no count query); a
    new educator, a revoked award and a withdrawn plan show on the next visit."""
    people = populate(district_admin.district, 2)
    client.force_login(district_admin)
    url = reverse("people:admin_dashboard")
    first = client.get(url).context["counts"]
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url).context["counts"]
    assert second == first
    # The unread-notifications badge counts its own rows on every page; the dashboard counts none.
    counted = [q["sql"] for q in cached.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counted if "notifications_notification" not in sql]

    EducatorFactory(district=district_admin.district)
    Award.objects.filter(educator=people[0]).update(revoked_at=timezone.now())
    Submission.objects.filter(educator=people[1], status="draft").update(status="withdrawn")
    after = client.get(url).context["counts"]
    assert after["people"] == first["people"] + 1
    assert after["earned"] == first["earned"] - 1
    assert after["open_submissions"] == first["open_submissions"] - 1


@pytest.mark.django_db(transaction=True)
def test_an_award_that_expires_by_itself_leaves_the_cached_count(district_admin):
    """Nothing is written when an award reaches its end: the cached number holds only until
    then, and the next visit counts again."""
    [educator] = populate(district_admin.district, 1)
    ends = timezone.now() + dt.timedelta(hours=1)
    Award.objects.filter(educator=educator).update(expires_at=ends)
    district = district_admin.district
    assert selectors.district_counts(district=district)["earned"] == 1
    assert selectors.district_counts(district=district)["earned"] == 1  # from the cache
    later = ends + dt.timedelta(minutes=1)
    assert selectors.district_counts(district=district, now=later)["earned"] == 0


def test_the_numbers_at_a_glance_cost_the_same_queries_at_2_and_at_12_educators(
    client, district_admin
):
    client.force_login(district_admin)
    url = reverse("people:admin_dashboard")
    populate(district_admin.district, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        small_counts = client.get(url).context["counts"]
    populate(district_admin.district, 10)
    with CaptureQueriesContext(connection) as large:
        large_counts = client.get(url).context["counts"]
    assert len(large) == len(small)
    assert (small_counts["earned"], large_counts["earned"]) == (2, 12)
