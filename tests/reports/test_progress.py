import datetime as dt
from decimal import Decimal

import pytest

from credentials.models import MicroCredential
from programs import selectors as program_selectors
from programs.models import CreditRule
from reports import selectors
from tests.credentials.factories import MicroCredentialFactory
from tests.programs.factories import CreditRuleFactory
from tests.reports.conftest import TODAY
from tests.reports.factories import PlanFactory, SubmissionFactory, earned_submission

pytestmark = pytest.mark.django_db


def test_one_of_two_toward_renewal_and_salary_credit(educator, kansas_rules):
    earned_submission(educator=educator, decided_on=dt.date(2026, 4, 10))
    # Earned before the window opened: counts for salary, not for this renewal window.
    earned_submission(educator=educator, decided_on=dt.date(2025, 10, 1))

    progress = selectors.educator_progress(user=educator, today=TODAY)

    assert progress["renewal"]["earned"] == 1
    assert progress["renewal"]["required"] == 2
    assert progress["renewal"]["ends_on"] == dt.date(2027, 5, 21)
    assert progress["renewal"]["met"] is False
    assert progress["salary_total"] == Decimal("600")
    assert progress["current_cycle"].name == "Fall 2026"


def test_progress_without_rules_shows_catalog_points(educator):
    earned_submission(educator=educator, decided_on=dt.date(2026, 4, 10))
    progress = selectors.educator_progress(user=educator, today=TODAY)
    assert progress["renewal"] is None
    assert progress["salary_total"] == Decimal("0")
    assert progress["pd_points"] == Decimal("1")  # the factory's catalog value


def test_only_earned_submissions_count(educator, kansas_rules):
    SubmissionFactory(
        plan=PlanFactory(district=educator.district, lead=educator),
        educator=educator,
        status="not_yet",
    )
    progress = selectors.educator_progress(user=educator, today=TODAY)
    assert progress["renewal"]["earned"] == 0
    assert progress["salary_total"] == 0


def test_most_specific_then_latest_rule_applies_from_award_date(district, educator):
    advanced = MicroCredentialFactory(
        district=district, rigor=MicroCredential.Rigor.ADVANCED, criteria=0, pd_points=2
    )
    special = MicroCredentialFactory(district=district, criteria=0)
    plain = MicroCredentialFactory(district=district, criteria=0)
    CreditRuleFactory(district=district, salary_amount=100, effective_from=dt.date(2020, 1, 1))
    CreditRuleFactory(district=district, salary_amount=150, effective_from=dt.date(2026, 7, 1))
    CreditRuleFactory(
        district=district,
        scope=CreditRule.Scope.RIGOR,
        rigor=MicroCredential.Rigor.ADVANCED,
        salary_amount=600,
        pd_points=5,
        effective_from=dt.date(2020, 1, 1),
    )
    CreditRuleFactory(
        district=district,
        scope=CreditRule.Scope.MICROCREDENTIAL,
        microcredential_lineage=special.lineage,
        salary_amount=450,
        effective_from=dt.date(2026, 1, 1),
    )
    before = earned_submission(
        plan=PlanFactory(district=district, lead=educator, microcredential=plain),
        decided_on=dt.date(2026, 6, 30),
    )
    after = earned_submission(
        plan=PlanFactory(district=district, lead=educator, microcredential=plain),
        decided_on=dt.date(2026, 7, 1),
    )
    adv = earned_submission(
        plan=PlanFactory(district=district, lead=educator, microcredential=advanced),
        decided_on=dt.date(2026, 3, 1),
    )
    sp = earned_submission(
        plan=PlanFactory(district=district, lead=educator, microcredential=special),
        decided_on=dt.date(2026, 3, 1),
    )
    sp_early = earned_submission(
        plan=PlanFactory(district=district, lead=educator, microcredential=special),
        decided_on=dt.date(2025, 3, 1),
    )
    rows = {
        s.pk: s
        for s in selectors.earned_with_credit(
            selectors.submissions_in_scope(district=district, filters=selectors.ReportFilters()),
            district=district,
        )
    }
    assert rows[before.pk].salary == Decimal("100")
    assert rows[after.pk].salary == Decimal("150")
    assert rows[adv.pk].salary == Decimal("600")
    assert rows[adv.pk].points == Decimal("5")
    assert rows[sp.pk].salary == Decimal("450")
    assert rows[sp.pk].points == Decimal("1")  # no rule sets points: the catalog's
    assert rows[sp_early.pk].salary == Decimal("100")  # before the special rule's date


def test_renewal_window_rolls_to_next_run_of_cycles(district, kansas_rules):
    window = program_selectors.current_renewal_window(district=district, today=dt.date(2026, 3, 1))
    assert (window.starts_on, window.ends_on) == (dt.date(2026, 1, 5), dt.date(2027, 5, 21))
    assert [c.name for c in window.cycles] == ["Spring 2026", "Fall 2026", "Spring 2027"]
    rule = kansas_rules["rule"]
    cycles = list(kansas_rules["cycles"])
    later = program_selectors.renewal_window_for(
        rule=rule,
        cycles=cycles
        + [
            type(cycles[0])(
                name="Fall 2027", starts_on=dt.date(2027, 8, 16), ends_on=dt.date(2027, 12, 17)
            )
        ],
        today=dt.date(2027, 9, 1),
    )
    assert later.starts_on == dt.date(2027, 8, 16)


def test_educator_dashboard_shows_progress(client, educator, kansas_rules):
    earned_submission(educator=educator, decided_on=dt.date(2026, 4, 10))
    client.force_login(educator)
    html = client.get("/plans/").content.decode()
    assert "1 of 2" in html
    assert "Salary credit earned" in html
    assert "$300" in html


def test_the_card_offers_the_transcript_from_the_first_micro_credential_on(
    client, educator, kansas_rules
):
    from django.urls import reverse

    client.force_login(educator)
    transcript = reverse("badges:transcript")

    before = client.get(reverse("submissions:dashboard")).content.decode()
    earned_submission(educator=educator, decided_on=dt.date(2026, 4, 10))
    after = client.get(reverse("submissions:dashboard")).content.decode()

    assert "My progress" in before and transcript not in before
    assert "offered here from your first micro-credential on" in before
    assert transcript in after
