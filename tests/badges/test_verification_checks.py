"""The verification page says, in words, each check it made on the signed credential."""

import copy
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Award
from badges.services import award_issue_for_submission, award_revoke
from badges.verification import award_verification
from tests.badges.factories import earned_submission, panel_found

pytestmark = pytest.mark.django_db


def page(client, award) -> str:
    return client.get(reverse("badges:verify", kwargs={"award_uuid": award.uuid})).content.decode()


def verdicts(award) -> dict[str, bool]:
    return {check.name: check.passed for check in award_verification(award).checks}


def test_a_valid_badge_passes_every_check_and_the_page_says_each(client, educator):
    submission = earned_submission(educator=educator)
    panel_found(submission, [2, 2])
    award = award_issue_for_submission(submission_id=submission.pk)

    body = page(client, award)

    assert verdicts(award) == {
        "Issuer's key": True,
        "Signature": True,
        "Revocation status": True,
        "Dates": True,
        "Format": True,
    }
    assert "Valid." in body
    assert "Signature: passed." in body and "eddsa-rdfc-2022" in body
    assert "Issuer&#x27;s key: passed." in body and award.credential["issuer"]["id"] in body
    assert "Revocation status: passed." in body and "Not revoked" in body
    assert "Dates: passed." in body and "with no expiry date" in body
    assert "Format: passed." in body and "Open Badges 3.0 JSON schema" in body
    assert "What the review panel found" in body and "Demonstrated" in body


def test_a_revoked_badge_fails_the_status_check(client, educator, district_admin):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    award_revoke(award=award, reason="Issued in error.", actor=district_admin)
    award.refresh_from_db()

    body = page(client, award)

    assert verdicts(award)["Revocation status"] is False
    assert verdicts(award)["Signature"] is True
    assert "Revocation status: failed." in body and "Reason: Issued in error." in body


def test_an_expired_badge_fails_the_dates_check(client, educator):
    submission = earned_submission(educator=educator, valid_for_days=30)
    submission.decided_at = timezone.now() - timedelta(days=40)
    submission.save(update_fields=["decided_at"])
    award = award_issue_for_submission(submission_id=submission.pk)

    assert verdicts(award)["Dates"] is False
    assert "Dates: failed." in page(client, award) and "Expired on" in page(client, award)


def test_a_record_changed_after_signing_is_not_verified(client, educator):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    changed = copy.deepcopy(award.credential)
    changed["credentialSubject"]["achievement"]["name"] = "Advanced Routines"
    Award.objects.filter(pk=award.pk).update(credential=changed)
    award.refresh_from_db()

    body = page(client, award)

    assert verdicts(award)["Signature"] is False
    assert "Not verified." in body and "Signature: failed." in body
    assert "Valid." not in body


def test_a_key_the_issuer_does_not_publish_fails_the_key_check(educator, settings, tmp_path):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    settings.BADGE_KEYS_DIR = tmp_path / "other-keys"

    result = verdicts(award)

    assert result["Issuer's key"] is False and result["Signature"] is False
