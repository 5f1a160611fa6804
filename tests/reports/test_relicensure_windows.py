"""The re-licensure report counts an award earned in the break after a window's last cycle
toward that window (windows run back to back), and the page says which days each window
counts."""

import datetime as dt

import pytest
from django.urls import reverse

from reports import selectors
from reports.selectors import ReportFilters
from tests.accounts.factories import EducatorFactory
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db

SUMMER_BETWEEN_WINDOWS = dt.date(2027, 7, 1)


@pytest.fixture
def semesters(district):
    """Spring 2026 to Fall 2027; 2 within 3 semesters."""
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
    RenewalRuleFactory(district=district, first_cycle=cycles[0], effective_from=dt.date(2020, 1, 1))
    return cycles


def test_an_award_earned_between_two_windows_counts_toward_the_one_it_follows(district, semesters):
    summer = EducatorFactory(district=district, last_name="Summer")
    earned_submission(educator=summer, decided_on=dt.date(2026, 3, 1))
    earned_submission(educator=summer, decided_on=SUMMER_BETWEEN_WINDOWS)
    spring27 = semesters[2]
    # The first window, looked at once the next has begun: it closed on Aug 15, 2027.
    report = selectors.relicensure(
        district=district, filters=ReportFilters(cycle=spring27), today=dt.date(2027, 9, 1)
    )
    assert report["window"].ends_on == dt.date(2027, 8, 15)
    assert {p.last_name: (p.earned_count, p.renewal) for p in report["people"]} == {
        "Summer": (2, "met")
    }
    # The window under way now counts nothing of the first's.
    current = selectors.relicensure(
        district=district, filters=ReportFilters(), today=dt.date(2027, 9, 1)
    )
    assert [c.name for c in current["window"].cycles] == ["Fall 2027"]
    assert [p.earned_count for p in current["people"]] == [0]


def test_the_educators_card_counts_the_summer_toward_the_window_still_open(district, semesters):
    educator = EducatorFactory(district=district)
    earned_submission(educator=educator, decided_on=dt.date(2026, 3, 1))
    earned_submission(educator=educator, decided_on=SUMMER_BETWEEN_WINDOWS)
    progress = selectors.educator_progress(user=educator, today=dt.date(2027, 7, 10))
    assert progress["renewal"]["earned_total"] == 2 and progress["renewal"]["met"]
    assert progress["renewal"]["ends_on"] == dt.date(2027, 8, 15)


def test_the_page_says_which_days_each_window_counts(client, district_admin, semesters):
    client.force_login(district_admin)
    response = client.get(reverse("reports:relicensure"), {"cycle": semesters[0].pk})
    html = " ".join(response.content.decode().split())
    assert (
        "this window counts what was earned from Jan 5, 2026 to Aug 15, 2027: during Spring "
        "2026, Fall 2026, Spring 2027, and in the break after them until the next window begins"
    ) in html
    windows = html.split('id="windows-heading"', 1)[1]
    assert (
        '<tr aria-current="true"><th scope="row">Jan 5, 2026 – Aug 15, 2027 (this report)</th>'
        "<td>Spring 2026, Fall 2026, Spring 2027</td></tr>"
    ) in windows
    assert '<th scope="row">Aug 16, 2027 – Dec 17, 2027</th><td>Fall 2027</td>' in windows
