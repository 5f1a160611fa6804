"""HR's sync: the salary ledger since the cursor HR kept from its last call. A new award
appears as a credit of its salary increase; a revoked award as a reversal of the same."""

from decimal import Decimal

from badges.services import award_issue_for_submission, award_revoke
from submissions.models import Submission
from tests.badges.factories import earned_submission
from tests.programs.factories import CreditRuleFactory

from .conftest import ALL_SCOPES


def issue(educator):
    return award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)


def test_hr_pulls_what_changed_since_its_last_sync(connect, district_admin, educator):
    CreditRuleFactory(district=educator.district, salary_amount=Decimal("300.00"))
    first = issue(educator)
    hr = connect(district_admin, ["ledger:read"])

    sync = hr.get("/api/v1/ledger/").json()
    assert [(e["kind"], e["award"], e["salary_amount"]) for e in sync["entries"]] == [
        ("credit", str(first.uuid), "300.00")
    ]
    assert sync["entries"][0]["educator"]["email"] == educator.email
    cursor = sync["next_cursor"]

    # Nothing happened: the same cursor comes back, with nothing new.
    again = hr.get("/api/v1/ledger/", {"cursor": cursor}).json()
    assert again == {"entries": [], "next_cursor": cursor, "has_more": False}

    second = issue(educator)
    award_revoke(award=first, reason="Issued to the wrong educator.", actor=district_admin)
    news = hr.get("/api/v1/ledger/", {"cursor": cursor}).json()
    assert [(e["kind"], e["award"], e["salary_amount"]) for e in news["entries"]] == [
        ("credit", str(second.uuid), "300.00"),
        ("reversal", str(first.uuid), "-300.00"),
    ]
    assert news["entries"][1]["reason"] == "Issued to the wrong educator."
    assert hr.get("/api/v1/ledger/", {"cursor": news["next_cursor"]}).json()["entries"] == []


def test_a_renewal_is_no_new_credit(connect, district_admin, educator):
    CreditRuleFactory(district=educator.district, salary_amount=Decimal("300.00"))
    first = issue(educator)
    renewing = earned_submission(educator=educator)
    Submission.objects.filter(pk=renewing.pk).update(
        renews=first.submission, first_earned_at=first.submission.decided_at
    )
    renewal = award_issue_for_submission(submission_id=renewing.pk)
    hr = connect(district_admin, ["ledger:read"])

    entries = hr.get("/api/v1/ledger/").json()["entries"]
    assert [(e["award"], e["salary_amount"], e["renews"]) for e in entries] == [
        (str(first.uuid), "300.00", None),
        (str(renewal.uuid), "0.00", str(first.uuid)),
    ]


def test_the_ledger_pages_in_order_without_skipping(connect, district_admin, educator):
    awards = [issue(educator) for _ in range(5)]
    hr = connect(district_admin, ["ledger:read"])
    seen, cursor = [], 0
    for _ in range(5):
        page = hr.get("/api/v1/ledger/", {"cursor": cursor, "limit": 2}).json()
        seen += [entry["award"] for entry in page["entries"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [str(award.uuid) for award in awards]


def test_a_change_too_recent_to_be_settled_waits_for_the_next_sync(
    connect, district_admin, educator, settings
):
    settings.API_LEDGER_SETTLE_SECONDS = 60
    issue(educator)
    hr = connect(district_admin, ["ledger:read"])
    page = hr.get("/api/v1/ledger/").json()
    assert page["entries"] == []
    settings.API_LEDGER_SETTLE_SECONDS = 0
    assert len(hr.get("/api/v1/ledger/", {"cursor": page["next_cursor"]}).json()["entries"]) == 1


def test_another_districts_awards_are_not_in_the_ledger(
    connect, district_admin, educator, outsider_educator
):
    issue(outsider_educator)
    hr = connect(district_admin, ["ledger:read"])
    assert hr.get("/api/v1/ledger/").json()["entries"] == []


def test_a_cursor_that_is_no_position_is_a_problem(connect, district_admin):
    hr = connect(district_admin, ["ledger:read"])
    response = hr.get("/api/v1/ledger/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["cursor"]


def test_the_ledger_costs_the_same_queries_for_three_entries_or_ten(
    connect, district_admin, educator, django_assert_max_num_queries
):
    hr = connect(district_admin, ALL_SCOPES)
    for _ in range(3):
        issue(educator)
    with django_assert_max_num_queries(8) as small:
        assert len(hr.get("/api/v1/ledger/").json()["entries"]) == 3
    small_count = len(small.captured_queries)
    for _ in range(7):
        issue(educator)
    with django_assert_max_num_queries(small_count):
        assert len(hr.get("/api/v1/ledger/").json()["entries"]) == 10


def test_revoking_a_renewed_award_reverses_nothing_while_its_renewal_counts(
    connect, district_admin, educator
):
    CreditRuleFactory(district=educator.district, salary_amount=Decimal("300.00"))
    first = issue(educator)
    renewing = earned_submission(educator=educator)
    Submission.objects.filter(pk=renewing.pk).update(
        renews=first.submission, first_earned_at=first.submission.decided_at
    )
    renewal = award_issue_for_submission(submission_id=renewing.pk)
    hr = connect(district_admin, ["ledger:read"])
    cursor = hr.get("/api/v1/ledger/").json()["next_cursor"]

    award_revoke(award=first, reason="Signed by the wrong office.", actor=district_admin)
    page = hr.get("/api/v1/ledger/", {"cursor": cursor}).json()
    assert [(e["kind"], e["award"], e["salary_amount"]) for e in page["entries"]] == [
        ("reversal", str(first.uuid), "0.00")
    ]
    # The credential stops counting with its last award: that revocation reverses the credit.
    award_revoke(award=renewal, reason="Evidence was not the educator's.", actor=district_admin)
    later = hr.get("/api/v1/ledger/", {"cursor": page["next_cursor"]}).json()
    assert [(e["kind"], e["award"], e["salary_amount"]) for e in later["entries"]] == [
        ("reversal", str(renewal.uuid), "-300.00")
    ]
    # Read again from the start, every entry keeps the amount it was given.
    everything = hr.get("/api/v1/ledger/").json()["entries"]
    assert [e["salary_amount"] for e in everything] == ["300.00", "0.00", "0.00", "-300.00"]
