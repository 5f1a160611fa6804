"""The state's figures of all its districts at once (``reports.selectors._program_headlines``):
each district's figures exactly as its own dashboard computes them (``_program_headline``), in
the same number of grouped queries for two districts as for five."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import CreditRule, StateRenewalRule
from reports import selectors as reports
from tests.accounts.factories import DistrictFactory, EducatorFactory, StateFactory
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory
from tests.reports.factories import earned_submission
from tests.reports.test_report_views import populate

# Before the window, in a cycle; inside the at-risk days; after the window closed.
DAYS = [dt.date(2026, 4, 1), dt.date(2026, 11, 1), dt.date(2027, 9, 1)]


def _with_rules(district, *, window_cycles: int, required: int, shift: int = 0):
    cycles = [
        ProgramCycleFactory(
            district=district,
            starts_on=dt.date(2026, 1, 5 + shift),
            ends_on=dt.date(2026, 5, 22 + shift),
        ),
        ProgramCycleFactory(
            district=district, starts_on=dt.date(2026, 8, 17), ends_on=dt.date(2026, 12, 18)
        ),
        ProgramCycleFactory(
            district=district, starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 5, 21)
        ),
    ]
    RenewalRuleFactory(
        district=district,
        first_cycle=cycles[0],
        window_cycles=window_cycles,
        required_count=required,
        effective_from=dt.date(2026, 1, 1),
    )


@pytest.fixture
def state_districts():
    state = StateFactory()
    three_cycles = DistrictFactory(state=state, name="USD 501")
    one_cycle = DistrictFactory(state=state, name="USD 502", review_turnaround_days=9)
    no_rules = DistrictFactory(state=state, name="USD 503")
    _with_rules(three_cycles, window_cycles=3, required=2)
    _with_rules(one_cycle, window_cycles=1, required=1, shift=3)
    for district, people in ((three_cycles, 2), (one_cycle, 3), (no_rules, 1)):
        populate(district, people)
    # An educator who moved: earned in 502, now in 501; an award revoked, one expired.
    mover = EducatorFactory(district=three_cycles)
    earned_submission(educator=mover, district=one_cycle, decided_on=dt.date(2026, 3, 3))
    earned_submission(
        educator=mover,
        decided_on=dt.date(2026, 2, 2),
        award={"revoked_at": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)},
    )
    late = EducatorFactory(district=one_cycle)
    earned_submission(
        educator=late,
        decided_on=dt.date(2026, 2, 9),
        award={"expires_at": dt.datetime(2026, 6, 1, tzinfo=dt.UTC)},
    )
    return [three_cycles, one_cycle, no_rules]


@pytest.mark.django_db
@pytest.mark.parametrize("today", DAYS)
def test_each_districts_figures_are_its_own_dashboards(state_districts, today):
    together = reports._program_headlines(districts=state_districts, today=today)
    for district in state_districts:
        assert together[district.pk] == reports._program_headline(district=district, today=today)
    renewal = together[state_districts[0].pk]["renewal"]
    assert renewal["counts"] and sum(row["count"] for row in renewal["counts"]) == 3


@pytest.mark.django_db
def test_five_districts_cost_the_queries_of_two(state_districts):
    today = DAYS[1]
    with CaptureQueriesContext(connection) as three:
        reports._program_headlines(districts=state_districts, today=today)
    more = [*state_districts]
    for number in (4, 5):
        district = DistrictFactory(state=state_districts[0].state, name=f"USD 50{number}")
        _with_rules(district, window_cycles=2, required=1, shift=number)
        populate(district, 1)
        more.append(district)
    with CaptureQueriesContext(connection) as five:
        reports._program_headlines(districts=more, today=today)
    # The districts' renewal rules and their state's: two queries (the state's rule holds for
    # every district: ``programs.selectors.renewal_rules_in_force``).
    assert len(five) == len(three) <= 11


def _state_rule_in_points(state):
    """The state asks one micro-credential and 2.5 PD points within two cycles."""
    StateRenewalRule.objects.create(
        state=state,
        name="Kansas renewal",
        required_count=1,
        required_points=Decimal("2.5"),
        window_cycles=2,
        effective_from=dt.date(2025, 1, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("today", DAYS)
def test_a_states_rule_in_pd_points_is_each_districts_figure(state_districts, today):
    three_cycles, one_cycle, no_rules = state_districts
    _state_rule_in_points(three_cycles.state)
    # USD 502 credits every micro-credential 3 PD points; USD 503 goes by its catalog's 1.
    CreditRule.objects.create(
        district=one_cycle, effective_from=dt.date(2025, 1, 1), pd_points=Decimal("3")
    )
    # USD 503 has no rule of its own: the state's applies in its cycles.
    ProgramCycleFactory(
        district=no_rules, starts_on=dt.date(2026, 1, 6), ends_on=dt.date(2026, 5, 20)
    )
    # Two awards in USD 503's window: the count is met, the points (2 of 2.5) are not.
    twice = EducatorFactory(district=no_rules)
    for day in (dt.date(2026, 2, 2), dt.date(2026, 3, 3)):
        earned_submission(educator=twice, decided_on=day)
    together = reports._program_headlines(districts=state_districts, today=today)
    for district in state_districts:
        assert together[district.pk] == reports._program_headline(district=district, today=today)
    if today == DAYS[0]:
        met = {
            pk: {row["key"]: row["count"] for row in figures["renewal"]["counts"]}["met"]
            for pk, figures in together.items()
            if pk != three_cycles.pk
        }
        # In USD 502 one award is worth 3 points: each of its four educators has met the rule.
        assert met == {one_cycle.pk: 4, no_rules.pk: 0}


@pytest.mark.django_db
def test_the_states_rule_in_points_costs_the_same_queries_for_five_districts(state_districts):
    _state_rule_in_points(state_districts[0].state)
    today = DAYS[1]
    with CaptureQueriesContext(connection) as three:
        reports._program_headlines(districts=state_districts, today=today)
    more = [*state_districts]
    for number in (4, 5):
        district = DistrictFactory(state=state_districts[0].state, name=f"USD 50{number}")
        _with_rules(district, window_cycles=2, required=1, shift=number)
        CreditRule.objects.create(
            district=district, effective_from=dt.date(2025, 1, 1), pd_points=Decimal("3")
        )
        populate(district, 1)
        more.append(district)
    with CaptureQueriesContext(connection) as five:
        reports._program_headlines(districts=more, today=today)
    # One more than without points: the districts' credit rules.
    assert len(five) == len(three) <= 12
