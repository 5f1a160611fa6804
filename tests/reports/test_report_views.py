import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import selectors
from reports.selectors import ReportFilters
from submissions.models import Submission
from tests.accounts.factories import BuildingFactory, DistrictGoalFactory, EducatorFactory
from tests.credentials.factories import MicroCredentialFactory, StackFactory
from tests.reports.factories import (
    AttemptFactory,
    PlanFactory,
    SubmissionFactory,
    at,
    earned_submission,
)

pytestmark = pytest.mark.django_db

REPORTS = [
    "reports:index",
    "reports:funnel",
    "reports:completions",
    "reports:turnaround",
    "reports:relicensure",
    "reports:salary",
    "programs:rules",
]
TODAY = dt.date(2026, 11, 23)


def populate(district, n: int, *, building=None):
    """n educators, each with an earned plan, a draft, and one in review after a not-yet."""
    building = building or BuildingFactory(district=district)
    stack = StackFactory(district=district)
    credential = MicroCredentialFactory(district=district, stack=stack, criteria=0)
    goal = DistrictGoalFactory(district=district)
    people = []
    for i in range(n):
        educator = EducatorFactory(district=district, building=building)
        people.append(educator)
        plan = PlanFactory(district=district, lead=educator, microcredential=credential)
        plan.district_goals.add(goal)
        earned_submission(plan=plan, decided_on=dt.date(2026, 3, 1) + dt.timedelta(days=i))
        SubmissionFactory(
            plan=PlanFactory(district=district, lead=educator, microcredential=credential),
            status="draft",
        )
        retry = SubmissionFactory(
            plan=PlanFactory(district=district, lead=educator, microcredential=credential),
            status="resubmitted",
            plan_submitted_at=at(dt.date(2026, 2, 1)),
            plan_decided_at=at(dt.date(2026, 2, 3)),
            submitted_for_review_at=at(dt.date(2026, 4, 1)),
        )
        AttemptFactory(
            submission=retry, number=1, outcome="not_yet", decided_at=at(dt.date(2026, 3, 20))
        )
        AttemptFactory(submission=retry, number=2)
    return people


@pytest.mark.parametrize("name", REPORTS)
def test_admin_sees_report(client, district_admin, kansas_rules, name):
    populate(district_admin.district, 2)
    client.force_login(district_admin)
    response = client.get(reverse(name))
    assert response.status_code == 200


# Each page's queries uncached (a test's transaction has written: no report stamp to trust).
# Re-licensure and the ledger read their rows' figures apart from their names (and the
# ledger, its rows' stamp): more here, so that a visit finding the stamp unchanged reads the
# names alone.
MOST_QUERIES = {"funnel": 10, "completions": 13, "turnaround": 10, "relicensure": 14, "salary": 14}


@pytest.mark.parametrize("name", list(MOST_QUERIES))
def test_fixed_number_of_queries_whatever_the_size(client, district_admin, kansas_rules, name):
    client.force_login(district_admin)
    url = reverse(f"reports:{name}")
    populate(district_admin.district, 2)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    populate(district_admin.district, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= MOST_QUERIES[name]


def test_other_district_admin_sees_nothing_of_ours(client, district_admin, outsider_admin):
    ours = populate(district_admin.district, 3)
    # A surname no generated person shares (the outsider's admin may have ours by chance).
    type(ours[0]).objects.filter(pk=ours[0].pk).update(last_name="Quillfeather-Oyelaran")
    ours[0].refresh_from_db()
    client.force_login(outsider_admin)
    funnel = client.get(reverse("reports:funnel")).context["data"]
    assert [s["count"] for s in funnel["stages"]] == [0, 0, 0, 0, 0]
    salary = client.get(reverse("reports:salary")).content.decode()
    assert ours[0].email not in salary and ours[0].last_name not in salary
    csv = b"".join(client.get(reverse("reports:export", args=["salary_ledger", "csv"]))).decode()
    assert ours[0].email not in csv
    # Filtering by our building's id does not leak it either.
    building = ours[0].building_id
    page = client.get(reverse("reports:completions"), {"building": building})
    assert page.status_code == 200
    assert page.context["sections"][0]["rows"] == []


def test_funnel_counts_and_conversion(district):
    populate(district, 4)
    data = selectors.funnel(district=district, filters=ReportFilters())
    counts = {s["key"]: s["count"] for s in data["stages"]}
    assert counts == {
        "drafted": 12,
        "submitted": 8,
        "approved": 8,
        "for_review": 8,
        "earned": 4,
    }
    assert data["stages"][1]["conversion"] == pytest.approx(66.7)
    stalls = {s["status"]: s["count"] for s in data["stalls"]}
    assert stalls["draft"] == 4 and stalls["resubmitted"] == 4


def test_funnel_counts_as_stalled_open_plans_unchanged_for_30_days(client, district_admin):
    district = district_admin.district
    today = timezone.localdate()
    educator = EducatorFactory(district=district)

    def plan_changed(status: str, days_ago: int, hour: int = 12):
        submission = SubmissionFactory(
            plan=PlanFactory(district=district, lead=educator), status=status
        )
        Submission.objects.filter(pk=submission.pk).update(
            status_changed_at=at(today - dt.timedelta(days=days_ago), hour)
        )

    plan_changed("draft", 31)
    plan_changed("draft", 29)
    # Counted in days: the 30th day before today, however late in it; not the 29th.
    plan_changed("in_progress", selectors.STALL_DAYS, hour=23)
    plan_changed("in_progress", selectors.STALL_DAYS - 1, hour=0)
    plan_changed("not_yet", 90)
    plan_changed("earned", 90)  # finished: never stalled
    plan_changed("withdrawn", 90)
    data = selectors.funnel(district=district, filters=ReportFilters())
    stalls = {s["status"]: (s["count"], s["stalled"]) for s in data["stalls"]}
    assert stalls["draft"] == (2, 1)
    assert stalls["in_progress"] == (2, 1)
    assert stalls["not_yet"] == (1, 1)
    assert stalls["plan_submitted"] == (0, 0)
    assert "earned" not in stalls and "withdrawn" not in stalls
    assert sum(stalled for _, stalled in stalls.values()) == 3
    client.force_login(district_admin)
    html = client.get(reverse("reports:funnel")).content.decode()
    assert '<tr><th scope="row">Draft</th><td>2</td><td>1</td></tr>' in html


def test_completions_grouped_and_pass_rates(district):
    populate(district, 3)
    # One that passed on its second attempt.
    again = earned_submission(
        educator=EducatorFactory(district=district), decided_on=dt.date(2026, 5, 1)
    )
    again.attempts.update(outcome="not_yet")
    AttemptFactory(submission=again, number=2, outcome="earned", decided_at=at(dt.date(2026, 5, 2)))
    data = selectors.completions(district=district, filters=ReportFilters())
    assert sum(r["count"] for r in data["by_building"]) == 4
    assert data["by_goal"][0]["count"] == 3
    assert {r["name"] for r in data["by_goal"]} == {data["by_goal"][0]["name"], "No district goal"}
    rates = data["pass_rates"]
    assert rates["first_decided"] == 7  # 3 earned + 3 not yet + 1 not yet
    assert rates["first_passed"] == 3
    assert rates["resubmitted"] == 1 and rates["passed_after"] == 1
    assert rates["after_rate"] == 100.0


def test_filters_narrow_every_report(district, kansas_rules):
    north = BuildingFactory(district=district, name="North")
    south = BuildingFactory(district=district, name="South")
    populate(district, 2, building=north)
    populate(district, 1, building=south)
    only_south = ReportFilters(building_id=south.pk)
    assert selectors.funnel(district=district, filters=only_south)["stages"][0]["count"] == 3
    assert selectors.salary_totals(district=district, filters=only_south)["awards"] == 1
    fall = kansas_rules["cycles"][1]
    assert (
        selectors.salary_totals(district=district, filters=ReportFilters(cycle=fall))["awards"] == 0
    )
    spring = kansas_rules["cycles"][0]
    assert (
        selectors.salary_totals(district=district, filters=ReportFilters(cycle=spring))["awards"]
        == 3
    )


def _with_turnarounds(district, days: list[int]):
    educator = EducatorFactory(district=district)
    for offset in days:
        SubmissionFactory(
            plan=PlanFactory(district=district, lead=educator),
            educator=educator,
            status="plan_approved",
            plan_submitted_at=at(dt.date(2026, 1, 1)),
            plan_decided_at=at(dt.date(2026, 1, 1) + dt.timedelta(days=offset)),
        )


def test_turnaround_median_and_90th_percentile(district):
    _with_turnarounds(district, [1, 2, 3, 4, 5])
    data = selectors.turnaround(district=district, filters=ReportFilters())
    assert data["plan"] == {"median": 3.0, "p90": 4.6, "count": 5}
    assert data["review"]["count"] == 0


def test_turnaround_fallback_without_percentile_cont(district, monkeypatch):
    _with_turnarounds(district, [1, 2, 3, 4, 5])
    monkeypatch.setattr(connection, "vendor", "sqlite")
    data = selectors.turnaround(district=district, filters=ReportFilters())
    assert data["plan"] == {"median": 3.0, "p90": 4.6, "count": 5}


def test_relicensure_met_on_track_at_risk(district, kansas_rules):
    met = EducatorFactory(district=district, last_name="Met")
    earned_submission(educator=met, decided_on=dt.date(2026, 3, 1))
    earned_submission(educator=met, decided_on=dt.date(2026, 10, 1))
    working = EducatorFactory(district=district, last_name="Working")
    earned_submission(educator=working, decided_on=dt.date(2026, 3, 1))
    SubmissionFactory(
        plan=PlanFactory(district=district, lead=working), educator=working, status="in_progress"
    )
    idle = EducatorFactory(district=district, last_name="Idle")
    earned_submission(educator=idle, decided_on=dt.date(2026, 3, 1))

    early = selectors.relicensure(district=district, filters=ReportFilters(), today=TODAY)
    status = {p.last_name: p.renewal for p in early["people"]}
    assert status == {"Met": "met", "Working": "on_track", "Idle": "on_track"}

    # 60 days before the window closes (May 21, 2027): the idle educator is at risk.
    late = selectors.relicensure(
        district=district, filters=ReportFilters(), today=dt.date(2027, 3, 22)
    )
    status = {p.last_name: p.renewal for p in late["people"]}
    assert status == {"Met": "met", "Working": "on_track", "Idle": "at_risk"}
    counts = {c["key"]: c["count"] for c in late["counts"]}
    assert counts == {"met": 1, "on_track": 1, "at_risk": 1}
    assert [p.last_name for p in late["people"]] == ["Idle", "Met", "Working"]


def test_relicensure_page_without_rule_explains(client, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("reports:relicensure"))
    assert b"No renewal rule is in force" in response.content


def test_charts_are_svg_with_text_equivalent(client, district_admin):
    populate(district_admin.district, 2)
    client.force_login(district_admin)
    html = client.get(reverse("reports:funnel")).content.decode()
    assert '<svg class="chart" id="funnel-chart" role="img"' in html
    assert '<title id="funnel-chart-title">' in html
    assert "<table" in html and "Plans drafted" in html


def test_the_reports_link_to_the_panel_report(client, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("reports:index")).content.decode()
    link = f'<a href="{reverse("reports:panel")}">Panel report</a>'
    assert link in html
    workload = client.get(reverse("reports:panel"))
    assert workload.status_code == 200
    assert "workload" in workload.context


def test_relicensure_page_lists_one_status(client, district_admin, kansas_rules):
    district = district_admin.district
    met = EducatorFactory(district=district, last_name="Met")
    earned_submission(educator=met, decided_on=dt.date(2026, 3, 1))
    earned_submission(educator=met, decided_on=dt.date(2026, 10, 1))
    idle = EducatorFactory(district=district, last_name="Idle")
    client.force_login(district_admin)
    everyone = client.get(reverse("reports:relicensure"))
    assert [p.pk for p in everyone.context["rows"]] == [idle.pk, met.pk]
    only_met = client.get(reverse("reports:relicensure"), {"renewal": "met"})
    assert [p.pk for p in only_met.context["rows"]] == [met.pk]
    assert only_met.context["page"].paginator.count == 1


def _table_body(response) -> str:
    """The rows of the page's last table."""
    return response.content.decode().rsplit("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_salary_ledger_rows_rendered_once_show_a_change_at_once(
    client, district_admin, kansas_rules
):
    """The ledger's rows are rendered once per set of values shown: a renamed educator or
    building is a new set, never the old rendering."""
    people = populate(district_admin.district, 2)
    client.force_login(district_admin)
    url = reverse("reports:salary")
    first = _table_body(client.get(url))
    assert first == _table_body(client.get(url))
    assert people[0].last_name in first
    people[0].last_name = "Renamedperson"
    people[0].save(update_fields=["last_name"])
    people[0].building.name = "Renamed Building"
    people[0].building.save(update_fields=["name"])
    html = _table_body(client.get(url))
    assert "Renamedperson" in html and "Renamed Building" in html


def test_relicensure_rows_rendered_once_show_a_change_at_once(client, district_admin, kansas_rules):
    district = district_admin.district
    person = EducatorFactory(district=district, last_name="Before")
    client.force_login(district_admin)
    url = reverse("reports:relicensure")
    first = _table_body(client.get(url))
    assert first == _table_body(client.get(url))
    assert "Before" in first and "0 of 2" in first
    person.last_name = "Afterwards"
    person.save(update_fields=["last_name"])
    earned_submission(educator=person, decided_on=dt.date(2026, 3, 1))
    html = _table_body(client.get(url))
    assert "Afterwards" in html and "Before" not in html and "1 of 2" in html


def test_the_relicensure_list_offers_the_transcript_of_each_educator_who_holds_one(
    client, district, district_admin, kansas_rules
):
    holder = EducatorFactory(district=district, last_name="Holder")
    EducatorFactory(district=district, last_name="Newcomer")
    earned_submission(educator=holder, decided_on=dt.date(2026, 4, 10))
    client.force_login(district_admin)

    page = client.get(reverse("reports:relicensure")).content.decode()

    holder_row = page[page.index("Holder") :].split("</tr>")[0]
    newcomer_row = page[page.index("Newcomer") :].split("</tr>")[0]
    assert reverse("people:person_transcript", args=[holder.pk]) in holder_row
    assert "transcript" not in newcomer_row.lower()
