"""A renewal rule counted in PD points (alone, or beside micro-credentials): each educator's
points earned in the window and in progress, worth what the district credits each award
(its credit rules, else the catalog entry's points), from every district of the state; met,
on track and at risk by the rule in force; the page, its CSV and the progress card say so."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from badges.models import Award
from reports import selectors
from reports.selectors import ReportFilters
from tests.accounts.factories import DistrictFactory, EducatorFactory, StateFactory
from tests.credentials.factories import MicroCredentialFactory
from tests.programs.factories import CreditRuleFactory
from tests.reports.conftest import TODAY
from tests.reports.factories import PlanFactory, SubmissionFactory, earned_submission
from tests.reports.test_report_views import populate

pytestmark = pytest.mark.django_db
ALL = ReportFilters()
# 60 days before the window closes (May 21, 2027): inside the rule's 120 days of warning.
LATE = dt.date(2027, 3, 22)


@pytest.fixture
def points_rule(district, kansas_rules):
    """The district's rule asks 3 PD points within its three semesters, no count; its
    "Advanced" micro-credential is credited 2 points (its catalog says 1)."""
    rule = kansas_rules["rule"]
    rule.required_count, rule.required_points = 0, Decimal("3")
    rule.save()
    advanced = MicroCredentialFactory(district=district, criteria=0, pd_points=1)
    CreditRuleFactory(
        district=district,
        scope="microcredential",
        microcredential_lineage=advanced.lineage,
        salary_amount=None,
        pd_points=Decimal("2"),
    )
    return {"rule": rule, "advanced": advanced}


def _earned(educator, on: dt.date, microcredential=None, **extra):
    plan = PlanFactory(
        district=educator.district,
        lead=educator,
        **({"microcredential": microcredential} if microcredential else {}),
    )
    return earned_submission(plan=plan, decided_on=on, **extra)


def _in_progress(educator, microcredential=None):
    plan = PlanFactory(
        district=educator.district,
        lead=educator,
        **({"microcredential": microcredential} if microcredential else {}),
    )
    return SubmissionFactory(plan=plan, educator=educator, status="in_progress")


def _status(report) -> dict[str, str]:
    return {person.last_name: person.renewal for person in report["people"]}


def test_points_meet_the_rule_worth_what_the_district_credits(district, points_rule):
    advanced = points_rule["advanced"]
    # 2 (credited) + 1 (catalog) = 3 points: met, with two micro-credentials.
    met = EducatorFactory(district=district, last_name="Met")
    _earned(met, dt.date(2026, 3, 1), advanced)
    _earned(met, dt.date(2026, 9, 1))
    # Two micro-credentials of 1 point: 2 of 3, however many micro-credentials.
    short = EducatorFactory(district=district, last_name="Short")
    _earned(short, dt.date(2026, 3, 1))
    _earned(short, dt.date(2026, 4, 1))
    # 2 points, and an Advanced plan in progress (2 more): on track even when warned.
    working = EducatorFactory(district=district, last_name="Working")
    _earned(working, dt.date(2026, 3, 1), advanced)
    _in_progress(working, advanced)
    # 3 points earned, but one award (2 points) revoked: 1 point.
    revoked = EducatorFactory(district=district, last_name="Revoked")
    _earned(revoked, dt.date(2026, 3, 1))
    _earned(
        revoked,
        dt.date(2026, 4, 1),
        advanced,
        award={"revoked_at": dt.datetime(2026, 5, 1, tzinfo=dt.UTC)},
    )

    early = selectors.relicensure(district=district, filters=ALL, today=TODAY)
    assert _status(early) == {
        "Met": "met",
        "Short": "on_track",
        "Working": "on_track",
        "Revoked": "on_track",
    }
    points = {p.last_name: (p.earned_points, p.in_progress_points) for p in early["people"]}
    assert points == {
        "Met": (Decimal("3"), Decimal("0")),
        "Short": (Decimal("2"), Decimal("0")),
        "Working": (Decimal("2"), Decimal("2")),
        "Revoked": (Decimal("1"), Decimal("0")),
    }

    late = selectors.relicensure(district=district, filters=ALL, today=LATE)
    assert _status(late) == {
        "Met": "met",
        "Short": "at_risk",
        "Working": "on_track",
        "Revoked": "at_risk",
    }


def test_a_rule_of_both_terms_is_met_only_by_both(district, points_rule):
    rule = points_rule["rule"]
    rule.required_count = 2
    rule.save()
    # One micro-credential of 1 point and one in progress: the count is on track, the
    # points are not (1, and 1 more at most).
    one = EducatorFactory(district=district, last_name="One")
    _earned(one, dt.date(2026, 3, 1))
    _in_progress(one)
    # Three micro-credentials of 1 point: both terms.
    three = EducatorFactory(district=district, last_name="Three")
    for month in (3, 4, 9):
        _earned(three, dt.date(2026, month, 1))
    assert _status(selectors.relicensure(district=district, filters=ALL, today=LATE)) == {
        "One": "at_risk",
        "Three": "met",
    }
    after = selectors.relicensure(district=district, filters=ALL, today=dt.date(2027, 6, 1))
    assert _status(after) == {"One": "not_met", "Three": "met"}


def test_points_earned_in_another_district_of_the_state_count_once(district, points_rule):
    state = StateFactory()
    district.state = state
    district.save()
    elsewhere = DistrictFactory(state=state)
    mover = EducatorFactory(district=district, last_name="Mover")
    # Earned before moving: worth what this district credits it (the catalog's 1 point, x2).
    first = earned_submission(educator=mover, district=elsewhere, decided_on=dt.date(2026, 2, 2))
    earned_submission(educator=mover, district=elsewhere, decided_on=dt.date(2026, 3, 3))
    # A renewal of the first: the same credential, counted once (as first earned).
    renewal = earned_submission(
        educator=mover,
        district=elsewhere,
        decided_on=dt.date(2026, 4, 20),
        renews=first,
        first_earned_at=first.decided_at,
    )
    Award.objects.filter(submission=renewal).update(renews=first.award)
    # A district of another state does not count.
    earned_submission(educator=mover, district=DistrictFactory(), decided_on=dt.date(2026, 3, 3))

    report = selectors.relicensure(district=district, filters=ALL, today=TODAY)
    [person] = report["people"]
    assert (person.earned_count, person.earned_points) == (2, Decimal("2"))
    progress = selectors.educator_progress(user=mover, today=TODAY)
    assert progress["renewal"]["earned_points"] == Decimal("2")
    assert progress["renewal"]["met"] is False


def test_the_page_and_its_csv_show_points(client, district_admin, points_rule):
    district = district_admin.district
    met = EducatorFactory(district=district, first_name="Ann", last_name="Met")
    _earned(met, dt.date(2026, 3, 1), points_rule["advanced"])
    _earned(met, dt.date(2026, 4, 1))
    client.force_login(district_admin)
    page = client.get(reverse("reports:relicensure")).content.decode()
    assert "The district&#x27;s rule applies (License renewal): 3 PD points within 3 cycles." in (
        page
    )
    assert '<th scope="col">PD points in window</th>' in page
    # Micro-credentials earned (the rule asks none), and points of the rule's.
    assert "<td>2</td>" in page and "<td>3 of 3</td>" in page
    csv = b"".join(client.get(reverse("reports:export", args=["relicensure", "csv"]))).decode()
    header, row = csv.lstrip("\ufeff").splitlines()[:2]
    assert header == (
        "Educator,E-mail,Building,Earned in window,In progress,PD points in window,"
        "PD points in progress,Status"
    )
    assert row.startswith("Ann Met,") and row.endswith(",2,0,3.0,0,Met")


def test_a_count_rule_leaves_the_points_columns_empty(client, district_admin, kansas_rules):
    district = district_admin.district
    earned_submission(
        educator=EducatorFactory(district=district, first_name="Ann", last_name="Lee"),
        decided_on=dt.date(2026, 3, 1),
    )
    client.force_login(district_admin)
    page = client.get(reverse("reports:relicensure")).content.decode()
    assert "PD points in window" not in page
    csv = b"".join(client.get(reverse("reports:export", args=["relicensure", "csv"]))).decode()
    assert csv.splitlines()[1].endswith(",1,0,,,On track")


def test_the_progress_card_shows_both_terms(client, educator, points_rule):
    rule = points_rule["rule"]
    rule.required_count = 2
    rule.save()
    _earned(educator, dt.date(2026, 4, 10), points_rule["advanced"])
    progress = selectors.educator_progress(user=educator, today=TODAY)
    renewal = progress["renewal"]
    assert (renewal["earned"], renewal["required"]) == (1, 2)
    assert (renewal["earned_points"], renewal["required_points"]) == (Decimal("2"), Decimal("3"))
    assert renewal["met"] is False
    # The term furthest behind: one of two micro-credentials.
    assert renewal["percent"] == 50
    client.force_login(educator)
    html = client.get("/plans/").content.decode()
    assert "1 of 2 micro-credentials" in html and "2 of 3 PD points" in html

    _earned(educator, dt.date(2026, 9, 10))
    assert selectors.educator_progress(user=educator, today=TODAY)["renewal"]["met"] is True


def test_the_page_costs_the_same_queries_for_more_people(client, district_admin, points_rule):
    client.force_login(district_admin)
    url = reverse("reports:relicensure")
    populate(district_admin.district, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    populate(district_admin.district, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 17
