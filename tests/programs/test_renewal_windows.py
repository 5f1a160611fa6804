"""Renewal windows run back to back, as a license's renewal periods do: a window counts from its
first cycle's first day until the next window begins, so the break after a window's last cycle
is still in it, and no day from the first window on falls in none."""

import datetime as dt

import pytest

from programs.selectors import current_renewal_window, renewal_schedule, renewal_windows
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory

pytestmark = pytest.mark.django_db

# The summer after Spring 2027, the last cycle of the first window, before Fall 2027 begins.
SUMMER_BETWEEN_WINDOWS = dt.date(2027, 7, 1)


@pytest.fixture
def four_semesters(district):
    """Spring 2026 to Fall 2027; 2 within 3 semesters: windows of three, then of one so far."""
    dates = [
        ("Spring 2026", dt.date(2026, 1, 5), dt.date(2026, 5, 22)),
        ("Fall 2026", dt.date(2026, 8, 17), dt.date(2026, 12, 18)),
        ("Spring 2027", dt.date(2027, 1, 4), dt.date(2027, 5, 21)),
        ("Fall 2027", dt.date(2027, 8, 16), dt.date(2027, 12, 17)),
    ]
    cycles = [
        ProgramCycleFactory(district=district, name=name, starts_on=starts, ends_on=ends)
        for name, starts, ends in dates
    ]
    rule = RenewalRuleFactory(
        district=district, first_cycle=cycles[0], effective_from=dt.date(2020, 1, 1)
    )
    return {"cycles": cycles, "rule": rule}


def test_a_window_runs_until_the_next_window_begins(four_semesters):
    cycles = four_semesters["cycles"]
    first, second = renewal_windows(rule=four_semesters["rule"], cycles=cycles)
    assert (first.starts_on, first.ends_on) == (dt.date(2026, 1, 5), dt.date(2027, 8, 15))
    assert first.cycles == cycles[:3] and first.runs_past_its_cycles
    # The last window, with no next one yet, ends with its last cycle.
    assert (second.starts_on, second.ends_on) == (dt.date(2027, 8, 16), dt.date(2027, 12, 17))
    assert not second.runs_past_its_cycles
    # Every day from the first window's first to the last window's last is in exactly one.
    day = first.starts_on
    while day <= second.ends_on:
        assert sum(w.starts_on <= day <= w.ends_on for w in (first, second)) == 1, day
        day += dt.timedelta(days=1)


def test_the_summer_after_a_windows_last_cycle_is_still_that_window(district, four_semesters):
    window = current_renewal_window(district=district, today=SUMMER_BETWEEN_WINDOWS)
    assert [c.name for c in window.cycles] == ["Spring 2026", "Fall 2026", "Spring 2027"]
    assert not window.closed(SUMMER_BETWEEN_WINDOWS)
    # The day the next window's first cycle begins, that window is under way.
    window = current_renewal_window(district=district, today=dt.date(2027, 8, 16))
    assert [c.name for c in window.cycles] == ["Fall 2027"]


def test_a_cycle_picks_the_window_holding_it_among_every_window(district, four_semesters):
    spring27 = four_semesters["cycles"][2]
    schedule = renewal_schedule(district=district, today=dt.date(2027, 9, 1), cycle=spring27)
    assert schedule.window.ends_on == dt.date(2027, 8, 15)
    assert [w.starts_on for w in schedule.windows] == [dt.date(2026, 1, 5), dt.date(2027, 8, 16)]
