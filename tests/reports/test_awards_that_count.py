"""An award counts when it is issued, not revoked and not expired (``badges.models``), and every
figure that credits awards reads that one rule: the salary ledger (page, CSV by Python and by
PostgreSQL's COPY, XLSX), the educator's progress card, re-licensure, completions, the admin
dashboard, the public portfolio and the plan's award status. Each is checked with one award
that counts and one that was revoked or has expired."""

import csv
import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from badges.models import Award, Portfolio
from reports import exports, selectors
from reports.selectors import ReportFilters
from tests.reports.conftest import TODAY
from tests.reports.factories import at, earned_submission

pytestmark = pytest.mark.django_db

ALL = ReportFilters()
NO_LONGER_COUNTS = {
    "revoked": {"revoked_at": at(dt.date(2026, 6, 1))},
    "expired": {"expires_at": at(dt.date(2026, 6, 1))},
}


@pytest.fixture
def held(educator, kansas_rules):
    """Earned in the renewal window; its award counts ($300 by the district's rule)."""
    return earned_submission(educator=educator, decided_on=dt.date(2026, 3, 1))


@pytest.fixture(params=sorted(NO_LONGER_COUNTS))
def gone(request, educator, kansas_rules):
    """Earned in the renewal window too; its award was revoked, or has expired."""
    return earned_submission(
        educator=educator, decided_on=dt.date(2026, 4, 10), award=NO_LONGER_COUNTS[request.param]
    )


def test_the_salary_ledger_page_lists_and_totals_only_awards_that_count(
    client, district_admin, held, gone
):
    client.force_login(district_admin)
    response = client.get(reverse("reports:salary"))
    assert [row.pk for row in response.context["rows"]] == [held.pk]
    totals = response.context["totals"]
    assert (totals["awards"], totals["total_salary"]) == (1, Decimal("300"))


def _csv_data_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]


def test_the_salary_ledger_exports_hold_only_awards_that_count(
    client, district, district_admin, held, gone
):
    spec = exports.DATASETS["salary_ledger"]
    assert spec.count(district, ALL) == 1
    by_database = b"".join(exports.csv_lines(spec, district, ALL))
    by_python = b"".join(exports.csv_lines(replace(spec, values=None), district, ALL))
    assert by_database == by_python
    [row] = _csv_data_rows(by_database)
    assert (row[5], row[-1]) == ("300.00", "2026-03-01")

    client.force_login(district_admin)
    response = client.get(reverse("reports:export", args=["salary_ledger", "csv"]))
    assert len(_csv_data_rows(b"".join(response.streaming_content))) == 1
    response = client.get(reverse("reports:export", args=["salary_ledger", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2  # the header and the one award that counts


def test_my_progress_credits_only_awards_that_count(client, educator, held, gone):
    progress = selectors.educator_progress(user=educator, today=TODAY)
    assert progress["salary_total"] == Decimal("300")
    assert progress["pd_points"] == Decimal("1")
    assert progress["awards"] == 1
    assert progress["renewal"]["earned"] == 1 and not progress["renewal"]["met"]

    client.force_login(educator)
    html = client.get(reverse("submissions:dashboard")).content.decode()
    assert "1 of 2" in html and "$300" in html


def test_relicensure_counts_only_awards_that_count(client, district, district_admin, held, gone):
    report = selectors.relicensure(district=district, filters=ALL, today=TODAY)
    assert {person.pk: person.earned_count for person in report["people"]} == {held.educator_id: 1}
    [row] = selectors.relicensure_rows(
        district=district, filters=ALL, report=report, ids=[held.educator_id]
    )
    assert row.earned_count == 1 and row.renewal != selectors.RENEWAL_MET

    [exported] = list(exports.DATASETS["relicensure"].rows(district, ALL))
    assert exported[3] == 1


def test_completions_count_only_awards_that_count(district, held, gone):
    data = selectors.completions(district=district, filters=ALL)
    for grouping in ("by_building", "by_microcredential", "by_stack", "by_goal"):
        assert sum(row["count"] for row in data[grouping]) == 1, grouping


def test_the_admin_dashboard_counts_only_awards_that_count(client, district_admin, held, gone):
    client.force_login(district_admin)
    response = client.get(reverse("people:admin_dashboard"))
    assert response.context["counts"]["earned"] == 1


@pytest.mark.parametrize("field", ["revoked_at", "expires_at"])
def test_the_dashboards_earned_in_the_cycle_counts_only_awards_that_count(
    district, educator, kansas_rules, field
):
    # Both earned in Spring 2026; the second award was revoked (or expired) before "today".
    earned_submission(educator=educator, decided_on=dt.date(2026, 3, 1))
    earned_submission(
        educator=educator, decided_on=dt.date(2026, 4, 10), award={field: at(dt.date(2026, 4, 20))}
    )
    today = dt.date(2026, 5, 1)
    headline = selectors.program_headline(district=district, today=today)
    assert headline["earned_in_cycle"] == 1
    assert [row["count"] for row in headline["earned_by_building"]] == [1]
    # The same figure as the completions report of that cycle.
    cycle = kansas_rules["cycles"][0]
    completions = selectors.completions(district=district, filters=ReportFilters(cycle=cycle))
    assert sum(row["count"] for row in completions["by_building"]) == 1


def test_the_public_portfolio_lists_only_awards_that_count(client, educator, held, gone):
    portfolio = Portfolio.objects.create(educator=educator, published=True)
    response = client.get(reverse("badges:public_portfolio", kwargs={"slug": portfolio.slug}))
    assert [award.submission_id for award in response.context["awards"]] == [held.pk]


def test_the_plan_says_whether_its_award_counts(held, gone):
    assert held.award_counts is True
    assert gone.award_counts is False


def test_an_earned_plan_whose_award_is_being_prepared_does_not_count_yet(educator):
    submission = earned_submission(
        educator=educator,
        decided_on=dt.date(2026, 3, 1),
        award={"state": Award.State.PREPARING},
    )
    assert submission.award_counts is False
    Award.objects.filter(submission=submission).delete()
    submission.refresh_from_db()
    assert submission.earned_award is None and submission.award_counts is False


@pytest.mark.parametrize(
    ("changes", "counts"),
    [
        ({}, True),
        ({"expires_at": timezone.now() + dt.timedelta(days=30)}, True),
        ({"expires_at": timezone.now() - dt.timedelta(days=1)}, False),
        ({"revoked_at": timezone.now() - dt.timedelta(days=1)}, False),
        ({"state": Award.State.PREPARING}, False),
    ],
)
def test_one_award_and_the_queryset_say_the_same(educator, changes, counts):
    submission = earned_submission(educator=educator, decided_on=TODAY, award=changes)
    award = Award.objects.get(submission=submission)
    assert award.counts is counts
    assert Award.objects.counting().filter(pk=award.pk).exists() is counts
    assert (award.verification_status == "valid") is counts


def test_the_funnel_and_pass_rates_count_the_panels_decisions(district, held, gone):
    """A decision stays made when its award is later revoked or expires: the funnel and the
    pass rates measure the review process, not the awards held."""
    funnel = selectors.funnel(district=district, filters=ALL)
    assert funnel["stages"][-1]["count"] == 2
    assert selectors.pass_rates(district=district, filters=ALL)["first_passed"] == 2


def test_the_funnel_page_says_its_earned_plans_include_awards_no_longer_held(
    client, district_admin, held, gone
):
    client.force_login(district_admin)
    response = client.get(reverse("reports:funnel"))
    html = " ".join(response.content.decode().split())
    assert response.context["data"]["stages"][-1]["count"] == 2
    assert "also where its award was later revoked or has expired" in html
    assert (
        f'<a href="{reverse("reports:completions")}">Completions</a> counts the awards held' in html
    )


def test_a_renewal_counts_once_as_the_credit_it_keeps(client, district, district_admin, held):
    """Renewed: the new award counts in the old one's place, once; its credit is the first
    earning's (same amount, same date), not a second one; re-licensure counts one."""
    renewal = earned_submission(
        educator=held.educator,
        decided_on=dt.date(2026, 4, 20),
        renews=held,
        first_earned_at=held.decided_at,
    )
    Award.objects.filter(submission=renewal).update(renews=held.award)

    client.force_login(district_admin)
    response = client.get(reverse("reports:salary"))
    assert [row.pk for row in response.context["rows"]] == [renewal.pk]
    [row] = response.context["rows"]
    assert row.effective_on == dt.date(2026, 3, 1)
    totals = response.context["totals"]
    assert (totals["awards"], totals["total_salary"]) == (1, Decimal("300"))
    progress = selectors.educator_progress(user=held.educator, today=TODAY)
    assert (progress["awards"], progress["salary_total"]) == (1, Decimal("300"))
    report = selectors.relicensure(district=district, filters=ALL, today=TODAY)
    assert {person.pk: person.earned_count for person in report["people"]} == {held.educator_id: 1}
    held.refresh_from_db()
    assert held.award_counts is False and held.award_lapsed == "renewed"
