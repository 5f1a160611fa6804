"""The state's re-licensure rule applies to every educator of its districts; a district rule
adds to it, never weakens it (the stricter of each term holds), and the re-licensure page says
which rule applies."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from programs.models import StateRenewalRule
from programs.selectors import current_renewal_window
from tests.accounts.factories import DistrictAdminFactory, StateAdminFactory
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def state_admin():
    return StateAdminFactory(state__name="Kansas")


@pytest.fixture
def district(state_admin):
    district = DistrictAdminFactory(district__state=state_admin.state).district
    for n, (start, end) in enumerate(
        [
            ((2025, 8, 18), (2025, 12, 19)),
            ((2026, 1, 5), (2026, 5, 22)),
            ((2026, 8, 17), (2026, 12, 18)),
        ]
    ):
        ProgramCycleFactory(
            district=district, name=f"Cycle {n}", starts_on=dt.date(*start), ends_on=dt.date(*end)
        )
    return district


def state_rule(state, **fields) -> StateRenewalRule:
    values = {"required_count": 2, "window_cycles": 3, "effective_from": dt.date(2026, 1, 1)}
    return StateRenewalRule.objects.create(
        state=state, name="Kansas renewal", **{**values, **fields}
    )


def test_the_state_rule_alone_applies_from_the_cycle_under_way(district, state_admin):
    assert current_renewal_window(district=district, today=TODAY) is None
    state_rule(state_admin.state)
    window = current_renewal_window(district=district, today=TODAY)
    assert window.rule.required_count == 2 and window.rule.district_rule is None
    assert [c.name for c in window.cycles] == ["Cycle 1", "Cycle 2"]
    assert window.rule.applies.startswith("The state's rule applies (Kansas renewal)")


@pytest.mark.parametrize(
    ("district_terms", "expected"),
    [((1, 4), (2, 3)), ((3, 3), (3, 3)), ((2, 2), (2, 2))],
)
def test_a_district_rule_adds_to_the_state_rule_never_weakens_it(
    district, state_admin, district_terms, expected
):
    state_rule(state_admin.state)
    RenewalRuleFactory(
        district=district,
        first_cycle=district.cycles.order_by("starts_on").first(),
        required_count=district_terms[0],
        window_cycles=district_terms[1],
    )
    rule = current_renewal_window(district=district, today=TODAY).rule
    assert (rule.required_count, rule.window_cycles) == expected
    assert "both apply; the stricter of each term holds" in rule.applies


def test_the_state_admin_sets_the_rule_and_the_relicensure_page_says_which_applies(
    client, district, state_admin
):
    client.force_login(state_admin)
    response = client.post(
        reverse("states:renewal_rule"),
        {
            "name": "Kansas renewal",
            "required_count": 2,
            "window_cycles": 3,
            "effective_from": "2025-01-01",
            "at_risk_days": 120,
        },
    )
    assert response["Location"] == reverse("states:renewal_rule")
    rule = StateRenewalRule.objects.get(state=state_admin.state)
    assert AuditEvent.objects.filter(action="staterenewalrule.created", target_id=rule.pk).exists()
    client.force_login(district.people.get())
    page = client.get(reverse("reports:relicensure")).content.decode()
    assert "The state&#x27;s rule applies (Kansas renewal): 2 micro-credentials within 3 cycles." in page


def test_a_bad_rule_is_refused_with_its_reason(client, state_admin):
    client.force_login(state_admin)
    response = client.post(
        reverse("states:renewal_rule"),
        {
            "name": "x",
            "required_count": 0,
            "window_cycles": 3,
            "effective_from": "",
            "at_risk_days": 1,
        },
    )
    assert response.status_code == 200
    assert not StateRenewalRule.objects.exists()
