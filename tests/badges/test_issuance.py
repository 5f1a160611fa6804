import json

import pytest
from django.core.files.storage import default_storage

from badges import images, keys, open_badges, proofs
from badges.models import Award
from badges.services import AwardNotIssuable, award_issue_for_submission
from tests.badges.factories import earned_submission
from tests.submissions.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_issuing_makes_one_award_with_signed_credential_and_files(
    educator, mailoutbox, django_capture_on_commit_callbacks
):
    submission = earned_submission(educator=educator)

    with django_capture_on_commit_callbacks(execute=True):
        award = award_issue_for_submission(submission_id=submission.pk)

    assert award.state == Award.State.ISSUED
    assert award.submission_id == submission.pk
    credential = award.credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == f"did:web:testserver:districts:{educator.district.slug}"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["criteria"]["narrative"]
    assert achievement["alignment"][0]["targetName"] == "Classroom Routines"
    identifier = credential["credentialSubject"]["identifier"][0]
    assert identifier["identityHash"] == open_badges.identity_hash(
        educator.email, identifier["salt"]
    )
    assert educator.email not in json.dumps(credential)
    proofs.verify(credential, public_key=keys.current_key(educator.district).public_key)
    for key in [award.certificate_key, award.badge_png_key, award.badge_svg_key]:
        assert key.startswith(f"badges/{educator.district.slug}/{award.uuid}/")
        assert default_storage.exists(key)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [educator.email]
    assert f"/verify/{award.uuid}/" in mailoutbox[0].body


def test_issuing_twice_makes_nothing_new(
    educator, mailoutbox, s3_storage, django_capture_on_commit_callbacks
):
    submission = earned_submission(educator=educator)
    with django_capture_on_commit_callbacks(execute=True):
        first = award_issue_for_submission(submission_id=submission.pk)
    prefix = f"badges/{educator.district.slug}/{first.uuid}/"
    objects_before = s3_storage["client"].list_objects_v2(
        Bucket=s3_storage["bucket"], Prefix=prefix
    )["KeyCount"]

    with django_capture_on_commit_callbacks(execute=True):
        second = award_issue_for_submission(submission_id=submission.pk)

    assert second.pk == first.pk
    assert second.credential == first.credential
    assert Award.objects.filter(submission=submission).count() == 1
    objects_after = s3_storage["client"].list_objects_v2(
        Bucket=s3_storage["bucket"], Prefix=prefix
    )["KeyCount"]
    assert objects_before == objects_after == 4
    assert len(mailoutbox) == 1


def test_a_submission_that_is_not_earned_is_refused(educator):
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    with pytest.raises(AwardNotIssuable):
        award_issue_for_submission(submission_id=submission.pk)
    assert not Award.objects.exists()


def test_expiry_comes_from_the_micro_credential(educator):
    submission = earned_submission(educator=educator, valid_for_days=365)
    award = award_issue_for_submission(submission_id=submission.pk)
    assert award.expires_at is not None
    assert (award.expires_at - award.issued_at).days == 365
    assert award.credential["validUntil"] == open_badges.timestamp(award.expires_at)


def test_baked_png_and_svg_carry_the_credential(issued_award):
    with default_storage.open(issued_award.badge_png_key, "rb") as handle:
        png = handle.read()
    assert json.loads(images.read_png_text(png, "openbadgecredential")) == issued_award.credential
    with default_storage.open(issued_award.badge_svg_key, "rb") as handle:
        svg = handle.read().decode()
    assert images.read_svg_credential(svg) == issued_award.credential
    with default_storage.open(issued_award.ob2_png_key, "rb") as handle:
        ob2_png = handle.read()
    assertion = json.loads(images.read_png_text(ob2_png, "openbadges"))
    assert assertion["type"] == "Assertion"
    assert assertion["id"].endswith(f"/ob2/assertions/{issued_award.uuid}.json")
