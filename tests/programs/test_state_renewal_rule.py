"""The state's re-licensure rule applies to every educator of its districts; a district rule
adds to it, never weakens it (the stricter of each term holds), and the re-licensure page says
which rule applies."""

import datetime as dt
from decimal import Decimal

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
    values = {
        "name": "Kansas renewal",
        "required_count": 2,
        "window_cycles": 3,
        "effective_from": dt.date(2026, 1, 1),
    }
    return StateRenewalRule.objects.create(state=state, **{**values, **fields})


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
    assert (
        "The state&#x27;s rule applies (Kansas renewal): 2 micro-credentials within 3 cycles."
        in page
    )


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


@pytest.mark.parametrize(
    ("district_terms", "expected"),
    [
        # The district asks micro-credentials: both terms apply.
        ((2, None), (2, Decimal("10"))),
        # Fewer points, none at all: the state's points hold.
        ((1, Decimal("5")), (1, Decimal("10"))),
        ((0, Decimal("5")), (1, Decimal("10"))),
        # More points: the district's.
        ((0, Decimal("12.5")), (1, Decimal("12.5"))),
    ],
)
def test_a_district_rule_adds_to_the_states_pd_points_never_weakens_them(
    district, state_admin, district_terms, expected
):
    state_rule(state_admin.state, required_count=1, required_points=Decimal("10"))
    RenewalRuleFactory(
        district=district,
        first_cycle=district.cycles.order_by("starts_on").first(),
        required_count=district_terms[0],
        required_points=district_terms[1],
    )
    rule = current_renewal_window(district=district, today=TODAY).rule
    assert (rule.required_count, rule.required_points) == expected
    assert rule.applies.endswith(f"holds: {rule.requires}.")
    assert rule.is_met(count=expected[0], points=expected[1])
    assert not rule.is_met(count=expected[0], points=expected[1] - Decimal("0.5"))
    assert not rule.is_met(count=expected[0] - 1, points=expected[1])


def test_a_states_rule_in_points_alone_and_a_districts_count(district, state_admin):
    state_rule(
        state_admin.state, name="Kansas points", required_count=0, required_points=Decimal("6")
    )
    RenewalRuleFactory(
        district=district,
        name="USD renewal",
        first_cycle=district.cycles.order_by("starts_on").first(),
        required_count=2,
    )
    rule = current_renewal_window(district=district, today=TODAY).rule
    assert rule.applies == (
        "The state's rule (Kansas points: 6 PD points within 3 cycles) and the district's "
        "(USD renewal: 2 micro-credentials within 3 cycles) both apply; the stricter of each "
        "term holds: 2 micro-credentials and 6 PD points within 3 cycles."
    )


def test_the_state_admin_sets_a_rule_in_points(client, state_admin):
    client.force_login(state_admin)
    response = client.post(
        reverse("states:renewal_rule"),
        {
            "name": "Kansas points",
            "required_count": 0,
            "required_points": "6",
            "window_cycles": 3,
            "effective_from": "2025-01-01",
            "at_risk_days": 120,
        },
    )
    assert response["Location"] == reverse("states:renewal_rule")
    rule = StateRenewalRule.objects.get(state=state_admin.state)
    assert (rule.required_count, rule.required_points) == (0, Decimal("6"))
    page = client.get(reverse("states:renewal_rule")).content.decode()
    assert "<td>6 PD points within 3 cycles</td>" in page


def test_a_state_rule_asking_neither_is_refused(client, state_admin):
    client.force_login(state_admin)
    response = client.post(
        reverse("states:renewal_rule"),
        {
            "name": "Nothing",
            "required_count": 0,
            "required_points": "",
            "window_cycles": 3,
            "effective_from": "2025-01-01",
            "at_risk_days": 120,
        },
    )
    assert response.status_code == 200
    assert "Ask for micro-credentials, PD points or both" in response.content.decode()
    assert not StateRenewalRule.objects.exists()
