"""HR's sync in a district that accepts awards earned elsewhere in its state for its salary
rule: an accepted award is the accepting district's credit, once, and stays agreed."""

from decimal import Decimal

import pytest

from accounts.services import district_settings_update
from badges.services import award_issue_for_submission, award_revoke
from people.services import move_invite, person_move
from reports.models import SalaryAcceptance
from reports.selectors import ReportFilters, salary_ledger
from submissions.models import Submission
from tests.accounts.factories import (
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    StateFactory,
)
from tests.badges.factories import earned_submission
from tests.programs.factories import CreditRuleFactory


@pytest.fixture
def state(db):
    kansas = StateFactory()
    districts = {name: DistrictFactory(state=kansas, slug=name) for name in ("north", "south")}
    admins = {name: DistrictAdminFactory(district=d) for name, d in districts.items()}
    CreditRuleFactory(district=districts["north"], salary_amount=Decimal("300.00"))
    CreditRuleFactory(district=districts["south"], salary_amount=Decimal("500.00"))
    district_settings_update(
        district=districts["south"], actor=admins["south"], accept_state_awards_for_salary=True
    )
    return districts, admins


def move(person, admin):
    invitation = move_invite(actor=admin, roles=["educator"], email=person.email)
    person_move(invitation=invitation, actor=person)
    person.refresh_from_db()


def credits(caller, cursor=0):
    page = caller.get("/api/v1/ledger/", {"cursor": cursor}).json()
    return [(e["kind"], e["award"], e["salary_amount"]) for e in page["entries"]], page


def ledger_page(district):
    return [row.pk for row in salary_ledger(district=district, filters=ReportFilters())]


def test_a_moved_in_persons_award_is_credited_once_and_stays_when_they_leave(connect, state):
    districts, admins = state
    pat = EducatorFactory(district=districts["north"])
    earned = award_issue_for_submission(submission_id=earned_submission(educator=pat).pk)
    south_hr = connect(admins["south"], ["ledger:read"])
    assert credits(south_hr)[0] == []

    move(pat, admins["south"])
    entries, page = credits(south_hr)
    assert entries == [("credit", str(earned.uuid), "500.00")]
    assert credits(south_hr, page["next_cursor"])[0] == []
    assert ledger_page(districts["south"]) == [earned.submission_id]
    # North still pays what it decided.
    assert ledger_page(districts["north"]) == [earned.submission_id]

    # Pat moves on; south stops accepting: what south agreed to pay stays on its ledger.
    west = DistrictFactory(state=districts["north"].state)
    move(pat, DistrictAdminFactory(district=west))
    district_settings_update(
        district=districts["south"], actor=admins["south"], accept_state_awards_for_salary=False
    )
    assert ledger_page(districts["south"]) == [earned.submission_id]
    assert credits(south_hr, page["next_cursor"])[0] == []
    assert SalaryAcceptance.objects.filter(submission=earned.submission).count() == 1
    assert ledger_page(west) == []


def test_an_award_issued_elsewhere_to_a_member_is_accepted_and_its_revocation_reversed(
    connect, state
):
    districts, admins = state
    pat = EducatorFactory(district=districts["north"])
    # Decided in north, where the plan was made, after Pat moved south.
    decided_in_north = earned_submission(educator=pat)
    move(pat, admins["south"])
    award = award_issue_for_submission(submission_id=decided_in_north.pk)
    south_hr = connect(admins["south"], ["ledger:read"])
    entries, page = credits(south_hr)
    assert entries == [("credit", str(award.uuid), "500.00")]

    award_revoke(award=award, reason="Issued to the wrong educator.", actor=admins["north"])
    later = south_hr.get("/api/v1/ledger/", {"cursor": page["next_cursor"]}).json()["entries"]
    assert [(e["kind"], e["salary_amount"], e["reason"]) for e in later] == [
        ("reversal", "-500.00", "Issued to the wrong educator.")
    ]
    assert ledger_page(districts["south"]) == []


def test_a_district_that_does_not_accept_credits_nothing_from_elsewhere(connect, state):
    districts, admins = state
    district_settings_update(
        district=districts["south"], actor=admins["south"], accept_state_awards_for_salary=False
    )
    pat = EducatorFactory(district=districts["north"])
    award_issue_for_submission(submission_id=earned_submission(educator=pat).pk)
    move(pat, admins["south"])
    assert credits(connect(admins["south"], ["ledger:read"]))[0] == []
    assert ledger_page(districts["south"]) == []


def test_renewing_an_accepted_award_here_is_no_second_credit(connect, state):
    districts, admins = state
    pat = EducatorFactory(district=districts["north"])
    earned = award_issue_for_submission(submission_id=earned_submission(educator=pat).pk)
    move(pat, admins["south"])
    renewing = earned_submission(educator=pat)
    Submission.objects.filter(pk=renewing.pk).update(
        renews=earned.submission, first_earned_at=earned.submission.decided_at
    )
    renewal = award_issue_for_submission(submission_id=renewing.pk)

    entries, _ = credits(connect(admins["south"], ["ledger:read"]))
    assert entries == [
        ("credit", str(earned.uuid), "500.00"),
        ("credit", str(renewal.uuid), "0.00"),
    ]
    # The credential counts once, as its renewal, which south decided.
    assert ledger_page(districts["south"]) == [renewal.submission_id]
