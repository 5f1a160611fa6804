"""An award earned between two cycles belongs to neither: a report filtered by a cycle says how
many the filters leave out of every cycle, and "Outside any cycle" shows them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.selectors import cycle_holding
from reports import selectors
from reports.forms import ReportFilterForm
from reports.selectors import ReportFilters
from tests.accounts.factories import BuildingFactory, DistrictFactory, EducatorFactory
from tests.programs.factories import ProgramCycleFactory
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db

SPRING_DAY = dt.date(2026, 4, 15)
# Spring 2026 ends on 22 May, Fall 2026 starts on 17 August (``kansas_rules``).
SUMMER_DAY = dt.date(2026, 7, 1)
BEFORE_FIRST = dt.date(2025, 11, 3)
# Spring 2027, the last cycle, ends on 21 May 2027.
AFTER_LAST = dt.date(2027, 6, 15)


@pytest.fixture
def earned(district, kansas_rules):
    north = BuildingFactory(district=district, name="North")
    south = BuildingFactory(district=district, name="South")
    return {
        "spring": earned_submission(
            educator=EducatorFactory(district=district, building=north), decided_on=SPRING_DAY
        ),
        "summer": earned_submission(
            educator=EducatorFactory(district=district, building=north), decided_on=SUMMER_DAY
        ),
        "summer_south": earned_submission(
            educator=EducatorFactory(district=district, building=south), decided_on=SUMMER_DAY
        ),
        "before": earned_submission(
            educator=EducatorFactory(district=district, building=north), decided_on=BEFORE_FIRST
        ),
        "buildings": (north, south),
    }


def test_a_day_between_cycles_belongs_to_none(kansas_rules):
    spring, fall, _ = kansas_rules["cycles"]
    cycles = kansas_rules["cycles"]
    assert cycle_holding(cycles=cycles, day=SPRING_DAY) == spring
    assert cycle_holding(cycles=cycles, day=spring.ends_on) == spring
    assert cycle_holding(cycles=cycles, day=fall.starts_on) == fall
    assert cycle_holding(cycles=cycles, day=SUMMER_DAY) is None
    assert cycle_holding(cycles=cycles, day=BEFORE_FIRST) is None


def _completed(district, filters) -> int:
    """The completions report's count of micro-credentials earned with ``filters``."""
    rows = selectors.completions(district=district, filters=filters)["by_building"]
    return sum(row["count"] for row in rows)


def _form(district, query, **kwargs):
    return ReportFilterForm(query, choices=selectors.filter_choices(district=district), **kwargs)


def test_outside_any_cycle_holds_what_every_cycle_leaves_out(district, kansas_rules, earned):
    outside = _form(district, {"cycle": "outside"}).report_filters()
    assert outside.as_query() == {"cycle": "outside"}
    ledger = {s.pk for s in selectors.salary_ledger(district=district, filters=outside)}
    assert ledger == {earned["summer"].pk, earned["summer_south"].pk, earned["before"].pk}
    by_part = {"between": 2, "before": 1, "after": 0}
    assert selectors.earned_outside_cycles(district=district, filters=outside) == by_part
    assert selectors.salary_outside_cycles(district=district, filters=outside) == by_part
    # The cycles and what lies outside them add up to everything.
    in_cycles = sum(
        _completed(district, ReportFilters(cycle=cycle)) for cycle in kansas_rules["cycles"]
    )
    assert in_cycles + 3 == _completed(district, ReportFilters())
    # With the other filters, as any cycle is.
    north, _ = earned["buildings"]
    outside_north = _form(district, {"cycle": "outside", "building": north.pk}).report_filters()
    assert selectors.salary_totals(district=district, filters=outside_north)["awards"] == 2


def test_relicensure_does_not_offer_outside_any_cycle(district, kansas_rules):
    form = _form(district, {"cycle": "outside"}, outside_cycles=False)
    assert not form.is_valid()
    assert "outside" not in dict(form.fields["cycle"].choices)


def test_a_district_without_cycles_is_not_offered_it(district):
    form = _form(district, {})
    assert [value for value, _ in form.fields["cycle"].choices] == [""]


@pytest.mark.parametrize(
    ("name", "figure"),
    [("completions", None), ("salary", "<dd>2</dd>")],
    ids=["completions", "salary"],
)
def test_a_report_filtered_by_cycle_says_how_many_are_outside_every_cycle(
    client, district_admin, kansas_rules, earned, name, figure
):
    spring = kansas_rules["cycles"][0]
    north, _ = earned["buildings"]
    client.force_login(district_admin)
    url = reverse(f"reports:{name}")
    html = client.get(url, {"cycle": spring.pk, "building": north.pk}).content.decode()
    assert (
        "2 micro-credentials matching the other filters are in no cycle's figures: "
        "1 was earned between cycles and 1 before the first cycle began."
    ) in " ".join(html.split()).replace("&#x27;", "'")
    link = f'href="{url}?cycle=outside&amp;building={north.pk}"'
    assert link in html
    shown = client.get(url, {"cycle": "outside", "building": north.pk})
    assert shown.context["chosen"]["cycle"] == "Outside any cycle"
    if figure:
        assert figure in shown.content.decode()
    else:
        counts = {r["name"]: r["count"] for r in shown.context["sections"][0]["rows"]}
        assert counts == {"North": 2}
    # No cycle chosen: nothing is left out, nothing to say.
    assert "report-outside-cycles" not in client.get(url).content.decode()


def test_the_export_of_outside_any_cycle_holds_those_awards(client, district_admin, earned):
    client.force_login(district_admin)
    response = client.get(
        reverse("reports:export", args=["salary_ledger", "csv"]), {"cycle": "outside"}
    )
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 1 + 3
    assert "outside-any-cycle" in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["completions", "salary"])
def test_the_notice_says_how_many_fell_between_cycles_before_the_first_and_after_the_last(
    client, district_admin, kansas_rules, name
):
    """A district admin reads where the awards left out of every cycle were earned: in a
    break between two cycles, before the district's first cycle, after its last."""
    district = district_admin.district
    for day in (SUMMER_DAY, BEFORE_FIRST, BEFORE_FIRST, BEFORE_FIRST, AFTER_LAST, AFTER_LAST):
        earned_submission(educator=EducatorFactory(district=district), decided_on=day)
    spring = kansas_rules["cycles"][0]
    client.force_login(district_admin)
    html = client.get(reverse(f"reports:{name}"), {"cycle": spring.pk}).content.decode()
    assert (
        "6 micro-credentials matching the other filters are in no cycle's figures: "
        "1 was earned between cycles, 3 before the first cycle began and 2 after the last cycle "
        "ended."
    ) in " ".join(html.split()).replace("&#x27;", "'")


def test_awards_all_before_the_first_cycle_are_said_so(client, district_admin, kansas_rules):
    district = district_admin.district
    earned_submission(educator=EducatorFactory(district=district), decided_on=BEFORE_FIRST)
    client.force_login(district_admin)
    spring = kansas_rules["cycles"][0]
    html = client.get(reverse("reports:completions"), {"cycle": spring.pk}).content.decode()
    assert (
        "1 micro-credential matching the other filters was earned before the first cycle "
        "began, so it is in no cycle's figures."
    ) in " ".join(html.split()).replace("&#x27;", "'")


@pytest.mark.django_db(transaction=True)
def test_the_counts_are_one_query_cached_under_the_report_stamp_and_move_at_once():
    """Committed data (a stamp to trust): read again, the counts cost the stamp alone; a new
    award moves the stamp and shows at once, in its part."""
    district = DistrictFactory()
    cycles = [
        ProgramCycleFactory(
            district=district, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 5, 22)
        ),
        ProgramCycleFactory(
            district=district, starts_on=dt.date(2026, 8, 17), ends_on=dt.date(2026, 12, 18)
        ),
    ]
    earned_submission(educator=EducatorFactory(district=district), decided_on=SUMMER_DAY)
    outside = ReportFilters().outside_every_cycle(cycles)
    with CaptureQueriesContext(connection) as first:
        counts = selectors.earned_outside_cycles(district=district, filters=outside)
    assert counts == {"between": 1, "before": 0, "after": 0}
    assert len(first) == 2  # the stamp, and one grouped count
    with CaptureQueriesContext(connection) as again:
        assert selectors.earned_outside_cycles(district=district, filters=outside) == counts
    assert len(again) == 1  # the stamp alone
    earned_submission(educator=EducatorFactory(district=district), decided_on=BEFORE_FIRST)
    assert selectors.earned_outside_cycles(district=district, filters=outside) == {
        "between": 1,
        "before": 1,
        "after": 0,
    }
