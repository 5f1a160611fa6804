"""Factories for a district's cycles and rules."""

import datetime as dt

import factory

from programs.models import CreditRule, ProgramCycle, RenewalRule
from tests.accounts.factories import DistrictFactory


class ProgramCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCycle

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Semester {n}")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 5, 31)


class CreditRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditRule

    district = factory.SubFactory(DistrictFactory)
    scope = CreditRule.Scope.DISTRICT
    effective_from = dt.date(2020, 1, 1)
    salary_amount = 300


class RenewalRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RenewalRule

    district = factory.SubFactory(DistrictFactory)
    first_cycle = factory.SubFactory(
        ProgramCycleFactory, district=factory.SelfAttribute("..district")
    )
    required_count = 2
    window_cycles = 3
    effective_from = dt.date(2020, 1, 1)
