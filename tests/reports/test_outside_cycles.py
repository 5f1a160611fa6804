"""An award earned between two cycles belongs to neither: a report filtered by a cycle says how
many the filters leave out of every cycle, and "Outside any cycle" shows them."""

import datetime as dt

import pytest
from django.urls import reverse

from programs.selectors import cycle_holding
from reports import selectors
from reports.forms import ReportFilterForm
from reports.selectors import ReportFilters
from tests.accounts.factories import BuildingFactory, EducatorFactory
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db

SPRING_DAY = dt.date(2026, 4, 15)
# Spring 2026 ends on 22 May, Fall 2026 starts on 17 August (``kansas_rules``).
SUMMER_DAY = dt.date(2026, 7, 1)
BEFORE_FIRST = dt.date(2025, 11, 3)


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


def _form(district, query, **kwargs):
    return ReportFilterForm(query, choices=selectors.filter_choices(district=district), **kwargs)


def test_outside_any_cycle_holds_what_every_cycle_leaves_out(district, kansas_rules, earned):
    outside = _form(district, {"cycle": "outside"}).report_filters()
    assert outside.as_query() == {"cycle": "outside"}
    ledger = {s.pk for s in selectors.salary_ledger(district=district, filters=outside)}
    assert ledger == {earned["summer"].pk, earned["summer_south"].pk, earned["before"].pk}
    assert selectors.earned_count(district=district, filters=outside) == 3
    # The cycles and what lies outside them add up to everything.
    in_cycles = sum(
        selectors.earned_count(district=district, filters=ReportFilters(cycle=cycle))
        for cycle in kansas_rules["cycles"]
    )
    assert in_cycles + 3 == selectors.earned_count(district=district, filters=ReportFilters())
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
    assert "2 micro-credentials matching the other filters were earned on a day no cycle holds" in (
        " ".join(html.split())
    )
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
