import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from programs.models import CreditRule, ProgramCycle, RenewalRule
from tests.credentials.factories import MicroCredentialFactory
from tests.programs.factories import CreditRuleFactory, ProgramCycleFactory

pytestmark = pytest.mark.django_db


def test_add_cycle_with_deadlines(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["cycle"]),
        {
            "name": "Fall 2026",
            "starts_on": "2026-08-17",
            "ends_on": "2026-12-18",
            "plan_deadline": "2026-09-15",
            "evidence_deadline": "2026-12-01",
        },
    )
    assert response.status_code == 302
    cycle = ProgramCycle.objects.get()
    assert cycle.district == district_admin.district
    assert cycle.evidence_deadline == dt.date(2026, 12, 1)
    assert AuditEvent.objects.filter(action="programcycle.created").exists()


def test_cycle_validation(client, district_admin):
    ProgramCycleFactory(district=district_admin.district, name="Fall 2026")
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["cycle"]),
        {
            "name": "Fall 2026",
            "starts_on": "2026-08-17",
            "ends_on": "2026-08-01",
            "plan_deadline": "2027-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html
    assert "must end on or after" in html
    assert "Another cycle has this name" in html
    assert ProgramCycle.objects.count() == 1


def test_add_credit_rule_for_a_level_of_rigor_and_for_one_microcredential(client, district_admin):
    credential = MicroCredentialFactory(district=district_admin.district, criteria=0)
    client.force_login(district_admin)
    client.post(
        reverse("programs:rule_new", args=["credit"]),
        {
            "scope": "rigor",
            "rigor": "4",
            "effective_from": "2026-07-01",
            "salary_amount": "600",
            "note": "Advanced",
        },
    )
    client.post(
        reverse("programs:rule_new", args=["credit"]),
        {
            "scope": "microcredential",
            "microcredential": str(credential.lineage),
            "effective_from": "2026-07-01",
            "pd_points": "3",
        },
    )
    rigor = CreditRule.objects.get(scope="rigor")
    assert rigor.rigor == 4 and rigor.salary_amount == 600
    one = CreditRule.objects.get(scope="microcredential")
    assert one.microcredential_lineage == credential.lineage and one.salary_amount is None
    page = client.get(reverse("programs:rules")).content.decode()
    assert credential.title in page and "$600" in page


def test_credit_rule_needs_a_value_and_its_target(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["credit"]),
        {"scope": "rigor", "effective_from": "2026-07-01"},
    )
    html = response.content.decode()
    assert "Choose the level of rigor" in html
    assert "at least one of salary increase" in html
    assert not CreditRule.objects.exists()


def test_credit_rule_cannot_point_at_another_districts_microcredential(
    client, district_admin, other_district
):
    theirs = MicroCredentialFactory(district=other_district, criteria=0)
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["credit"]),
        {
            "scope": "microcredential",
            "microcredential": str(theirs.lineage),
            "effective_from": "2026-07-01",
            "salary_amount": "100",
        },
    )
    assert response.status_code == 200
    assert not CreditRule.objects.exists()


def test_add_renewal_rule_and_edit_it(client, district_admin):
    cycle = ProgramCycleFactory(district=district_admin.district)
    client.force_login(district_admin)
    client.post(
        reverse("programs:rule_new", args=["renewal"]),
        {
            "name": "License renewal",
            "required_count": "2",
            "window_cycles": "3",
            "first_cycle": cycle.pk,
            "effective_from": "2026-01-01",
            "at_risk_days": "120",
        },
    )
    rule = RenewalRule.objects.get()
    client.post(
        reverse("programs:rule_edit", args=["renewal", rule.pk]),
        {
            "name": "License renewal",
            "required_count": "3",
            "window_cycles": "3",
            "first_cycle": cycle.pk,
            "effective_from": "2026-01-01",
            "at_risk_days": "90",
        },
    )
    rule.refresh_from_db()
    assert rule.required_count == 3 and rule.at_risk_days == 90
    # The cycle a renewal rule starts with cannot be deleted.
    client.post(reverse("programs:rule_delete", args=["cycle", cycle.pk]))
    assert ProgramCycle.objects.filter(pk=cycle.pk).exists()


def test_renewal_rule_refuses_another_districts_cycle(client, district_admin, other_district):
    theirs = ProgramCycleFactory(district=other_district)
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["renewal"]),
        {
            "name": "x",
            "required_count": "2",
            "window_cycles": "3",
            "first_cycle": theirs.pk,
            "effective_from": "2026-01-01",
            "at_risk_days": "120",
        },
    )
    assert response.status_code == 200
    assert not RenewalRule.objects.exists()


def test_delete_credit_rule(client, district_admin):
    rule = CreditRuleFactory(district=district_admin.district)
    client.force_login(district_admin)
    assert client.get(reverse("programs:rule_delete", args=["credit", rule.pk])).status_code == 405
    client.post(reverse("programs:rule_delete", args=["credit", rule.pk]))
    assert not CreditRule.objects.exists()


@pytest.mark.parametrize("kind", ["cycle", "credit", "renewal"])
def test_rule_routes_access(client, district_admin, outsider_admin, educator, kind):
    cycle = ProgramCycleFactory(district=district_admin.district)
    rule = {
        "cycle": cycle,
        "credit": CreditRuleFactory(district=district_admin.district),
        "renewal": RenewalRule.objects.create(
            district=district_admin.district, first_cycle=cycle, effective_from=dt.date.today()
        ),
    }[kind]
    edit = reverse("programs:rule_edit", args=[kind, rule.pk])
    delete = reverse("programs:rule_delete", args=[kind, rule.pk])
    new = reverse("programs:rule_new", args=[kind])
    assert client.get(edit)["Location"].startswith("/accounts/login/")
    assert client.post(delete)["Location"].startswith("/accounts/login/")
    client.force_login(educator)
    assert client.get(new).status_code == 403
    assert client.post(delete).status_code == 403
    client.force_login(outsider_admin)
    assert client.get(edit).status_code == 404
    assert client.post(delete).status_code == 404
    assert type(rule).objects.filter(pk=rule.pk).exists()
    client.force_login(district_admin)
    assert client.get(edit).status_code == 200
    assert client.get(new).status_code == 200
    assert client.put(edit).status_code == 405
    assert client.get(reverse("programs:rule_new", args=["bogus"])).status_code == 404


def _renewal_post(cycle, **fields) -> dict:
    return {
        "name": "License renewal",
        "required_count": "2",
        "required_points": "",
        "window_cycles": "3",
        "first_cycle": cycle.pk,
        "effective_from": "2026-01-01",
        "at_risk_days": "120",
        **fields,
    }


def test_a_renewal_rule_in_pd_points_alone(client, district_admin):
    cycle = ProgramCycleFactory(district=district_admin.district)
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["renewal"]),
        _renewal_post(cycle, required_count="0", required_points="7.5"),
    )
    assert response.status_code == 302
    rule = RenewalRule.objects.get()
    assert (rule.required_count, rule.required_points) == (0, Decimal("7.5"))
    page = client.get(reverse("programs:rules")).content.decode()
    assert "<td>7.5 PD points within 3 cycles</td>" in page
    assert "The district&#x27;s rule applies (License renewal): 7.5 PD points within 3" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"required_count": "0"}, "required_count", "Ask for micro-credentials, PD points or both"),
        ({"required_points": "0"}, "required_points", "Use more than 0"),
        (
            {"required_count": "-1", "required_points": "3"},
            "required_count",
            "greater than or equal to 0",
        ),
    ],
)
def test_a_renewal_rule_that_asks_nothing_is_refused(
    client, district_admin, fields, field, message
):
    cycle = ProgramCycleFactory(district=district_admin.district)
    client.force_login(district_admin)
    response = client.post(
        reverse("programs:rule_new", args=["renewal"]), _renewal_post(cycle, **fields)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not RenewalRule.objects.exists()


def test_the_database_refuses_a_rule_that_asks_nothing(district_admin):
    cycle = ProgramCycleFactory(district=district_admin.district)
    values = {"district": cycle.district, "first_cycle": cycle, "effective_from": cycle.starts_on}
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalRule.objects.create(required_count=0, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalRule.objects.create(required_count=0, required_points=Decimal("0"), **values)
    RenewalRule.objects.create(required_count=0, required_points=Decimal("0.5"), **values)
