"""The state's figures of all its districts at once (``reports.selectors._program_headlines``):
each district's figures exactly as its own dashboard computes them (``_program_headline``), in
the same number of grouped queries for two districts as for five."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    assert len(five) == len(three) <= 10
