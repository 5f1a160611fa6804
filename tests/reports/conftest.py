import datetime as dt

import pytest

from tests.programs.factories import CreditRuleFactory, ProgramCycleFactory, RenewalRuleFactory

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def kansas_rules(district):
    """Three semesters from Spring 2026 to Spring 2027; 2 within 3 semesters; $300 each."""
    spring = ProgramCycleFactory(
        district=district,
        name="Spring 2026",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 5, 22),
        plan_deadline=dt.date(2026, 2, 15),
        evidence_deadline=dt.date(2026, 5, 1),
    )
    fall = ProgramCycleFactory(
        district=district,
        name="Fall 2026",
        starts_on=dt.date(2026, 8, 17),
        ends_on=dt.date(2026, 12, 18),
        plan_deadline=dt.date(2026, 9, 15),
        evidence_deadline=dt.date(2026, 12, 1),
    )
    spring27 = ProgramCycleFactory(
        district=district,
        name="Spring 2027",
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 5, 21),
    )
    rule = RenewalRuleFactory(
        district=district,
        first_cycle=spring,
        required_count=2,
        window_cycles=3,
        effective_from=dt.date(2026, 1, 1),
    )
    credit = CreditRuleFactory(district=district, salary_amount=300)
    return {"cycles": [spring, fall, spring27], "rule": rule, "credit": credit}
