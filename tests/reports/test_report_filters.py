"""Every report narrows to the cycle, building, stack, micro-credential and district goal chosen.

One earned plan per educator: a ``base`` that every filter below keeps, and one variant per
filter that differs from it in that one respect (the stack variant's micro-credential differs
too, since an entry belongs to one stack).
"""

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from reports import selectors
from reports.forms import ReportFilterForm
from reports.selectors import ReportFilters
from submissions.models import Submission
from tests.accounts.factories import BuildingFactory, DistrictGoalFactory, EducatorFactory
from tests.credentials.factories import MicroCredentialFactory, StackFactory
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory
from tests.reports.factories import PlanFactory, SubmissionFactory, at, earned_submission

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
SPRING_DAY = dt.date(2026, 4, 15)
FALL_DAY = dt.date(2026, 11, 15)


def earned_plan(*, district, building, credential, goal, decided_on, last_name):
    educator = EducatorFactory(district=district, building=building, last_name=last_name)
    plan = PlanFactory(district=district, lead=educator, microcredential=credential)
    plan.district_goals.add(goal)
    submission = earned_submission(plan=plan, decided_on=decided_on)
    # Started in the same cycle it was decided in (the funnel's cycle is the start date).
    Submission.objects.filter(pk=submission.pk).update(
        created_at=at(decided_on - dt.timedelta(days=61))
    )
    return educator


@pytest.fixture
def world(district, kansas_rules):
    north = BuildingFactory(district=district, name="North")
    south = BuildingFactory(district=district, name="South")
    routines = StackFactory(district=district, name="Classroom Management")
    literacy = StackFactory(district=district, name="Literacy")
    cx = MicroCredentialFactory(district=district, stack=routines, criteria=0, title="Routines")
    cx2 = MicroCredentialFactory(district=district, stack=routines, criteria=0, title="Praise")
    cy = MicroCredentialFactory(district=district, stack=literacy, criteria=0, title="Phonics")
    safe = DistrictGoalFactory(district=district, title="Safe classrooms")
    reading = DistrictGoalFactory(district=district, title="Reading by grade 3")
    base = {
        "district": district,
        "building": north,
        "credential": cx,
        "goal": safe,
        "decided_on": SPRING_DAY,
    }
    variants = {
        "base": {},
        "building": {"building": south},
        "stack": {"credential": cy},
        "microcredential": {"credential": cx2},
        "goal": {"goal": reading},
        "cycle": {"decided_on": FALL_DAY},
    }
    people = {
        name: earned_plan(**{**base, **changes}, last_name=name.title())
        for name, changes in variants.items()
    }
    spring, fall, _ = kansas_rules["cycles"]
    return {
        "people": people,
        "filters": {
            "building": ReportFilters(building_id=north.pk),
            "stack": ReportFilters(stack_id=routines.pk),
            "microcredential": ReportFilters(microcredential_lineage=str(cx.lineage)),
            "goal": ReportFilters(goal_id=safe.pk),
            "cycle": ReportFilters(cycle=spring),
            "all": ReportFilters(
                cycle=spring,
                building_id=north.pk,
                stack_id=routines.pk,
                microcredential_lineage=str(cx.lineage),
                goal_id=safe.pk,
            ),
        },
        "query": {
            "building": {"building": north.pk},
            "stack": {"stack": routines.pk},
            "microcredential": {"microcredential": str(cx.lineage)},
            "goal": {"goal": safe.pk},
            "cycle": {"cycle": spring.pk},
        },
        "names": {"stack": routines.name, "microcredential": cx.title, "goal": safe.title},
        "cycles": kansas_rules["cycles"],
        "rule": kansas_rules["rule"],
        "buildings": (north, south),
        "credentials": (cx, cy),
        "goals": (safe, reading),
    }


# Which variants each filter leaves out (the micro-credential filter drops the stack variant
# too: its entry is another one).
EXCLUDED = {
    "building": {"building"},
    "stack": {"stack"},
    "microcredential": {"stack", "microcredential"},
    "goal": {"goal"},
    "cycle": {"cycle"},
    "all": {"building", "stack", "microcredential", "goal", "cycle"},
}
ALL_VARIANTS = {"base", "building", "stack", "microcredential", "goal", "cycle"}


def funnel_count(district, filters):
    data = selectors.funnel(district=district, filters=filters)
    stages = {s["key"]: s["count"] for s in data["stages"]}
    assert stages["drafted"] == stages["earned"]
    return stages["earned"]


def completions_count(district, filters):
    data = selectors.completions(district=district, filters=filters)
    earned = sum(r["count"] for r in data["by_building"])
    for grouping in ("by_microcredential", "by_stack", "by_goal"):
        assert sum(r["count"] for r in data[grouping]) == earned
    assert data["pass_rates"]["first_decided"] == earned
    return earned


def turnaround_count(district, filters):
    data = selectors.turnaround(district=district, filters=filters)
    assert data["plan"]["count"] == data["review"]["count"]
    return data["review"]["count"]


def salary_count(district, filters):
    ledger = selectors.salary_ledger(district=district, filters=filters)
    awards = selectors.salary_totals(district=district, filters=filters)["awards"]
    assert len(list(ledger)) == awards
    assert selectors.salary_ledger_ids(district=district, filters=filters).count() == awards
    return awards


MEASURES = {
    "funnel": funnel_count,
    "completions": completions_count,
    "turnaround": turnaround_count,
    "salary": salary_count,
}


@pytest.mark.parametrize("report", MEASURES)
@pytest.mark.parametrize("filter_name", EXCLUDED)
def test_each_filter_narrows_each_report(district, world, report, filter_name):
    measure = MEASURES[report]
    assert measure(district, ReportFilters()) == len(ALL_VARIANTS)
    expected = len(ALL_VARIANTS - EXCLUDED[filter_name])
    assert measure(district, world["filters"][filter_name]) == expected


def renewal_rows(district, filters, today=TODAY):
    data = selectors.relicensure(district=district, filters=filters, today=today)
    return data, {p.last_name: (p.earned_count, p.renewal) for p in data["people"]}


@pytest.mark.parametrize("filter_name", ["stack", "microcredential", "goal"])
def test_relicensure_counts_only_matching_micro_credentials(district, world, filter_name):
    _, everyone = renewal_rows(district, ReportFilters())
    assert {name: earned for name, (earned, _) in everyone.items()} == dict.fromkeys(
        (n.title() for n in ALL_VARIANTS), 1
    )
    _, narrowed = renewal_rows(district, world["filters"][filter_name])
    # Every educator is still listed; those whose award does not match count nothing.
    assert set(narrowed) == set(everyone)
    zero = {n.title() for n in EXCLUDED[filter_name]}
    assert {name for name, (earned, _) in narrowed.items() if earned == 0} == zero


def test_relicensure_stack_filter_changes_who_has_met_renewal(district, world):
    (cx, cy), (north, _), (safe, _) = world["credentials"], world["buildings"], world["goals"]
    both = earned_plan(
        district=district,
        building=north,
        credential=cx,
        goal=safe,
        decided_on=SPRING_DAY,
        last_name="Both",
    )
    other = PlanFactory(district=district, lead=both, microcredential=cy)
    earned_submission(plan=other, decided_on=FALL_DAY)
    working = PlanFactory(district=district, lead=both, microcredential=cy)
    SubmissionFactory(plan=working, status="in_progress")
    closing = dt.date(2027, 3, 22)  # within 120 days of the window's end
    _, everyone = renewal_rows(district, ReportFilters(), today=closing)
    assert everyone["Both"] == (2, "met")
    _, routines_only = renewal_rows(district, world["filters"]["stack"], today=closing)
    # One routines award; the literacy work in progress does not count either: at risk.
    assert routines_only["Both"] == (1, "at_risk")


@pytest.mark.parametrize("filter_name", [None, "stack", "microcredential", "goal", "building"])
def test_a_relicensure_pages_rows_agree_with_the_whole_list(district, world, filter_name):
    filters = world["filters"][filter_name] if filter_name else ReportFilters()
    data = selectors.relicensure(district=district, filters=filters, today=dt.date(2027, 3, 22))
    everyone = {
        p.pk: (p.earned_count, p.in_progress_count, p.renewal, p.building.name)
        for p in data["people"]
    }
    page = list(everyone)[1:4]
    rows = selectors.relicensure_rows(district=district, filters=filters, report=data, ids=page)
    assert [p.pk for p in rows] == page  # by name, like the whole list
    assert {p.pk: (p.earned_count, p.in_progress_count, p.renewal, p.building) for p in rows} == {
        pk: everyone[pk] for pk in page
    }
    assert any(everyone[pk][0] for pk in page)


def test_relicensure_building_filter_lists_only_that_buildings_educators(district, world):
    data, rows = renewal_rows(district, world["filters"]["building"])
    assert set(rows) == {n.title() for n in ALL_VARIANTS - {"building"}}
    assert data["total"] == 5
    ids = selectors.relicensure_page_ids(
        district=district, filters=world["filters"]["building"], report=data, renewal=None
    )
    assert ids.count() == 5


def later_window(district):
    """Three more semesters: the renewal rule's second window, Fall 2027 to Fall 2028."""
    return [
        ProgramCycleFactory(
            district=district, name=name, starts_on=starts, ends_on=starts + dt.timedelta(days=120)
        )
        for name, starts in [
            ("Fall 2027", dt.date(2027, 8, 16)),
            ("Spring 2028", dt.date(2028, 1, 10)),
            ("Fall 2028", dt.date(2028, 8, 14)),
        ]
    ]


def test_relicensure_cycle_filter_shows_the_window_holding_that_cycle(district, world):
    fall27, _, fall28 = later_window(district)
    spring26, fall26, spring27 = world["cycles"]
    # Spring 2026 is in the current window: the same window, the same counts. It runs until
    # the next window begins, the summer after Spring 2027 included.
    same, rows = renewal_rows(district, world["filters"]["cycle"])
    assert (same["window"].starts_on, same["window"].ends_on) == (
        spring26.starts_on,
        fall27.starts_on - dt.timedelta(days=1),
    )
    assert sum(earned for earned, _ in rows.values()) == 6
    # Fall 2027 opens the next window: nothing is earned there yet, everyone is on track.
    later, rows = renewal_rows(district, ReportFilters(cycle=fall27))
    assert (later["window"].starts_on, later["window"].ends_on) == (
        fall27.starts_on,
        fall28.ends_on,
    )
    assert set(rows.values()) == {(0, "on_track")}
    assert [c["key"] for c in later["counts"]] == ["met", "on_track", "at_risk"]


def test_a_closed_window_says_met_or_not_met(district, world):
    later_window(district)
    base = world["people"]["base"]
    earned_submission(educator=base, decided_on=dt.date(2026, 10, 1))
    after = dt.date(2027, 9, 1)  # the first window closed on Aug 15, 2027, as Fall 2027 began
    data, rows = renewal_rows(district, ReportFilters(cycle=world["cycles"][0]), today=after)
    assert data["closed"]
    assert rows["Base"] == (2, "met")
    assert rows["Building"] == (1, "not_met")
    assert {c["key"]: c["count"] for c in data["counts"]} == {"met": 1, "not_met": 5}
    # Without the cycle filter, the current window is the second one: open, nothing met.
    current, _ = renewal_rows(district, ReportFilters(), today=after)
    assert not current["closed"]
    assert {c["key"]: c["count"] for c in current["counts"]}["met"] == 0


def test_a_cycle_before_the_rule_has_no_window(district, world):
    earlier = ProgramCycleFactory(
        district=district,
        name="Fall 2025",
        starts_on=dt.date(2025, 8, 18),
        ends_on=dt.date(2025, 12, 19),
    )
    data, rows = renewal_rows(district, ReportFilters(cycle=earlier))
    assert data["window"] is None and rows == {}


# --- The pages ----------------------------------------------------------------------------------

PAGES = ["funnel", "completions", "turnaround", "relicensure", "salary"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_applies_the_chosen_filters_and_says_what_cycle_means(
    client, district_admin, world, name
):
    client.force_login(district_admin)
    query = {k: v for part in world["query"].values() for k, v in part.items()}
    response = client.get(reverse(f"reports:{name}"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "On this report, a cycle selects " in html
    assert response.context["chosen"] == {
        "cycle": "Spring 2026",
        "building": "North",
        "stack": "Classroom Management",
        "microcredential": "Routines",
        "goal": "Safe classrooms",
    }
    # Every chosen value stays selected in the form.
    for value in query.values():
        assert f'value="{value}" selected' in html


def test_relicensure_page_says_what_the_filters_count(client, district_admin, world):
    client.force_login(district_admin)
    response = client.get(
        reverse("reports:relicensure"), {**world["query"]["stack"], **world["query"]["goal"]}
    )
    html = response.content.decode()
    assert (
        "Counting only micro-credentials in the stack “Classroom Management”, tied to the "
        "district goal “Safe classrooms”, earned or in progress" in html
    )
    response = client.get(reverse("reports:relicensure"), world["query"]["cycle"])
    assert "The window holding Spring 2026." in response.content.decode()


def test_relicensure_page_for_a_cycle_without_window_keeps_the_filters(client, district_admin):
    ProgramCycleFactory(
        district=district_admin.district,
        name="Fall 2025",
        starts_on=dt.date(2025, 8, 18),
        ends_on=dt.date(2025, 12, 19),
    )
    client.force_login(district_admin)
    cycle = district_admin.district.cycles.get(name="Fall 2025")
    html = client.get(reverse("reports:relicensure"), {"cycle": cycle.pk}).content.decode()
    assert "No renewal window holds Fall 2025" in html
    assert 'class="report-filters"' in html and "Clear filters" in html


def test_relicensure_page_lists_not_met_for_a_closed_window(client, district_admin):
    """Dates around the real today: the page reads the clock."""
    district = district_admin.district
    today = timezone.localdate()
    days = dt.timedelta(days=1)
    past = [
        ProgramCycleFactory(
            district=district, starts_on=today - 400 * days, ends_on=today - 300 * days
        ),
        ProgramCycleFactory(
            district=district, starts_on=today - 290 * days, ends_on=today - 200 * days
        ),
    ]
    ProgramCycleFactory(district=district, starts_on=today - 10 * days, ends_on=today + 200 * days)
    RenewalRuleFactory(
        district=district,
        first_cycle=past[0],
        required_count=1,
        window_cycles=2,
        effective_from=today - 500 * days,
    )
    met = EducatorFactory(district=district, last_name="Met")
    earned_submission(educator=met, decided_on=today - 350 * days)
    missed = EducatorFactory(district=district, last_name="Missed")
    client.force_login(district_admin)
    url = reverse("reports:relicensure")
    response = client.get(url, {"cycle": past[1].pk, "renewal": "not_met"})
    assert [p.pk for p in response.context["rows"]] == [missed.pk]
    html = response.content.decode()
    assert "This window has closed" in html and "Not met (1)" in html
    assert '<span class="status renewal-not_met">Not met</span>' in html
    # The current window is open: "not met" is no status of it, and is not applied.
    response = client.get(url, {"renewal": "not_met"})
    assert response.context["renewal"] is None
    assert [p.pk for p in response.context["rows"]] == [met.pk, missed.pk]
    assert "Not met (" not in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_filtered_pages_keep_a_fixed_number_of_queries(client, district_admin, world, name):
    client.force_login(district_admin)
    query = {k: v for part in world["query"].values() for k, v in part.items()}
    url = reverse(f"reports:{name}")
    client.get(url, query)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).status_code == 200
    north, _ = world["buildings"]
    for i in range(5):
        earned_plan(
            district=district_admin.district,
            building=north,
            credential=world["credentials"][0],
            goal=world["goals"][0],
            decided_on=SPRING_DAY,
            last_name=f"More{i}",
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url, query).status_code == 200
    assert len(large) == len(small)


# --- The filter form: its choices cached under the report stamp, its fields rendered once --------


def _fields_rendered_afresh(form) -> str:
    return "".join(f'<div class="report-filter">{field.as_field_group()}</div>' for field in form)


def _without_layout(html) -> str:
    return "".join(line.strip() for line in str(html).splitlines())


@pytest.mark.parametrize(
    "asked", [{}, {"building": "north"}, {"building": "999999", "goal": "nonsense"}]
)
def test_the_filter_fields_read_as_if_rendered_on_each_view(district, world, asked):
    """Cached or not, the same labels, options, selection and error messages."""
    north, _ = world["buildings"]
    query = {k: str(north.pk) if v == "north" else v for k, v in asked.items()}
    choices = selectors.filter_choices(district=district)
    first = ReportFilterForm(QueryDict(urlencode(query)), choices=choices)
    again = ReportFilterForm(QueryDict(urlencode(query)), choices=choices)
    assert _without_layout(first.rendered_fields()) == _without_layout(
        _fields_rendered_afresh(first)
    )
    assert str(again.rendered_fields()) == str(first.rendered_fields())
    if "goal" in asked:
        assert "Select a valid choice" in str(again.rendered_fields())
    if asked.get("building") == "north":
        assert f'<option value="{north.pk}" selected>' in str(again.rendered_fields())


def test_a_new_building_shows_in_the_filter_at_once(client, district_admin, world):
    client.force_login(district_admin)
    url = reverse("reports:funnel")
    assert "Annex" not in client.get(url).content.decode()
    BuildingFactory(district=district_admin.district, name="Annex")
    assert "Annex" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_filter_choices_are_read_from_the_cache_until_the_district_changes(
    client, district_admin
):
    """Committed data: a second view reads no building, stack, goal, cycle or catalog row;
    a building renamed shows on the next view."""
    district = district_admin.district
    building = BuildingFactory(district=district, name="North Middle")
    client.force_login(district_admin)
    url = reverse("reports:completions")
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    tables = ("accounts_building", "credentials_stack", "accounts_districtgoal")
    assert not [q for q in cached.captured_queries if any(t in q["sql"] for t in tables)]
    building.name = "North Middle School"
    building.save()
    assert "North Middle School" in client.get(url).content.decode()
