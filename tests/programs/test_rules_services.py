"""The rules' service takes the rule's values, not a form."""

import datetime as dt

import pytest

from accounts.models import AuditEvent
from programs.models import CreditRule, ProgramCycle
from programs.services import program_rule_save
from tests.programs.factories import CreditRuleFactory

pytestmark = pytest.mark.django_db


def test_a_rule_is_created_in_the_actors_district_from_its_values(district_admin):
    rule = program_rule_save(
        model=CreditRule,
        rule=None,
        actor=district_admin,
        scope=CreditRule.Scope.DISTRICT,
        rigor=3,  # not a rigor rule: dropped
        effective_from=dt.date(2026, 1, 1),
        salary_amount=250,
    )
    rule.refresh_from_db()
    assert rule.district_id == district_admin.district_id
    assert rule.rigor is None and rule.salary_amount == 250
    assert AuditEvent.objects.filter(action="creditrule.created").exists()


def test_a_rule_is_changed_from_its_values(district_admin):
    rule = CreditRuleFactory(district=district_admin.district, salary_amount=100)
    program_rule_save(model=CreditRule, rule=rule, actor=district_admin, salary_amount=175)
    rule.refresh_from_db()
    assert rule.salary_amount == 175


def test_unknown_values_and_other_kinds_are_refused(district_admin):
    with pytest.raises(TypeError, match="Unknown fields"):
        program_rule_save(model=ProgramCycle, rule=None, actor=district_admin, colour="red")
    rule = CreditRuleFactory(district=district_admin.district)
    with pytest.raises(TypeError):
        program_rule_save(model=ProgramCycle, rule=rule, actor=district_admin)


def test_another_districts_rule_is_refused(district_admin, other_district):
    rule = CreditRuleFactory(district=other_district)
    with pytest.raises(ValueError, match="another district"):
        program_rule_save(model=CreditRule, rule=rule, actor=district_admin, salary_amount=1)
