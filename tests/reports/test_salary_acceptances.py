"""What a district agreed to pay for awards earned elsewhere in its state is a record: made when
it turns the setting on (for its people now), kept when it turns it off or the person leaves,
and read by the ledger page, its totals and export, and the educator's progress card."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import district_settings_update
from reports import selectors
from reports.models import SalaryAcceptance
from reports.selectors import ReportFilters
from tests.accounts.factories import (
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    StateFactory,
)
from tests.programs.factories import CreditRuleFactory
from tests.reports.factories import earned_submission

pytestmark = pytest.mark.django_db
EARNED_ON = dt.date(2026, 4, 10)


@pytest.fixture
def north():
    return DistrictFactory(state=StateFactory(), slug="north")


@pytest.fixture
def south(north):
    district = DistrictFactory(state=north.state, slug="south")
    CreditRuleFactory(district=district, salary_amount=500)
    return district


@pytest.fixture
def south_admin(south):
    return DistrictAdminFactory(district=south)


@pytest.fixture
def pat(south):
    """In south now, with an award earned in north before."""
    return EducatorFactory(district=south, last_name="Zebulon")


def accepting(district, admin, on=True):
    district_settings_update(district=district, actor=admin, accept_state_awards_for_salary=on)


def ledger(district):
    return [row.pk for row in selectors.salary_ledger(district=district, filters=ReportFilters())]


def test_turning_the_setting_on_accepts_the_awards_its_people_hold_from_elsewhere(
    north, south, south_admin, pat
):
    from_north = earned_submission(educator=pat, decided_on=EARNED_ON, district=north)
    revoked = earned_submission(
        educator=pat, decided_on=EARNED_ON, district=north, award={"revoked_at": timezone.now()}
    )
    own = earned_submission(educator=pat, decided_on=EARNED_ON, district=south)
    other_state = earned_submission(
        educator=pat, decided_on=EARNED_ON, district=DistrictFactory(state=StateFactory())
    )
    assert ledger(south) == [own.pk]

    accepting(south, south_admin)
    accepted = SalaryAcceptance.objects.get()
    assert (accepted.district, accepted.submission, accepted.reason) == (
        south,
        from_north,
        SalaryAcceptance.Reason.SETTING_ON,
    )
    assert set(ledger(south)) == {own.pk, from_north.pk}
    assert revoked.pk not in ledger(south) and other_state.pk not in ledger(south)
    event = AuditEvent.objects.get(action="salary.accepted")
    assert (event.district, event.actor, event.target_type, event.target_id) == (
        south,
        south_admin,
        "badges.award",
        from_north.award.pk,
    )

    # Off and on again: what was agreed stays, and is agreed once.
    accepting(south, south_admin, on=False)
    assert set(ledger(south)) == {own.pk, from_north.pk}
    accepting(south, south_admin)
    assert SalaryAcceptance.objects.count() == 1
    assert AuditEvent.objects.filter(action="salary.accepted").count() == 1


def test_the_ledger_page_totals_and_export_keep_it_after_the_person_leaves(
    client, north, south, south_admin, pat
):
    earned_submission(educator=pat, decided_on=EARNED_ON, district=north)
    accepting(south, south_admin)
    pat.district = DistrictFactory(state=north.state)
    pat.save(update_fields=["district"])

    client.force_login(south_admin)
    page = client.get(reverse("reports:salary")).content.decode()
    assert "Zebulon" in page
    assert f"Earned in {north.name}, accepted" in page
    export = client.get(reverse("reports:export", args=["salary_ledger", "csv"]))
    assert "Zebulon" in b"".join(export.streaming_content).decode()
    totals = selectors.salary_totals(district=south, filters=ReportFilters())
    assert (totals["awards"], totals["total_salary"]) == (1, Decimal("500"))
    # Pat's new district agreed to nothing: Pat's progress card credits no salary.
    assert selectors.educator_progress(user=pat)["salary_total"] == Decimal("0")


def test_the_migration_records_what_accepting_districts_paid(north, south, pat):
    from_north = earned_submission(educator=pat, decided_on=EARNED_ON, district=north)
    south.accept_state_awards_for_salary = True
    south.save(update_fields=["accept_state_awards_for_salary"])
    migration = importlib.import_module("reports.migrations.0004_salary_acceptance")

    migration.accept_what_was_paid(apps, None)
    accepted = SalaryAcceptance.objects.get()
    assert (accepted.district_id, accepted.submission_id) == (south.pk, from_north.pk)
    assert AuditEvent.objects.get(action="salary.accepted").target_id == from_north.award.pk
