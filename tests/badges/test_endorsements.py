"""Endorsements: a state office, or another district, endorses a district's micro-credential with
a signed OB 3.0 EndorsementCredential under its own did:web key; awards issued after it carry
it, the verification page checks it, withdrawing marks it in the endorser's status list."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AuditEvent
from badges import keys, open_badges, proofs, verification
from badges.models import Endorsement, StatusList
from badges.services import (
    EndorsementError,
    award_issue_for_submission,
    endorsement_give,
    endorsement_withdraw,
)
from tests.accounts.factories import DistrictAdminFactory, DistrictFactory, StateAdminFactory
from tests.badges.factories import earned_submission
from tests.credentials.factories import MicroCredentialFactory

pytestmark = pytest.mark.django_db

COMMENT = "Meets the state's re-licensure rule for classroom management: 15 clock hours."


@pytest.fixture
def state_admin(district):
    admin = StateAdminFactory(state__name="Sunflower State", state__slug="sunflower")
    district.state = admin.state
    district.save(update_fields=["state"])
    return admin


@pytest.fixture
def entry(district):
    return MicroCredentialFactory(district=district, title="Classroom Routines")


# 1EdTech's OB 3.0 EndorsementCredential schema, as vendored (tests/badges/test_vendored_schema.py).
ENDORSEMENT_SCHEMA = json.loads(
    (
        Path(settings.BASE_DIR) / "static/badges/schema/ob_v3p0_endorsementcredential_schema.json"
    ).read_text()
)


def endorsement_schema_errors(credential: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(
        ENDORSEMENT_SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(credential)]


def test_the_endorsement_schema_refuses_what_is_not_an_endorsement(state_admin, entry):
    endorsement = endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)
    credential = copy.deepcopy(endorsement.credential)
    credential["type"] = ["VerifiableCredential", "OpenBadgeCredential"]
    credential.pop("validFrom")

    assert len(endorsement_schema_errors(credential)) == 2


def test_a_state_office_signs_an_endorsement_with_its_own_key(state_admin, entry):
    endorsement = endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)

    credential = endorsement.credential
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["issuer"]["id"] == keys.issuer_did(state_admin.state)
    assert credential["issuer"]["id"].endswith(":states:sunflower")
    assert credential["credentialSubject"] == {
        "id": open_badges.achievement_id(entry),
        "type": ["EndorsementSubject"],
        "endorsementComment": COMMENT,
    }
    assert credential["credentialStatus"]["statusListCredential"].endswith(
        "/states/sunflower/status/revocation.json"
    )
    state_key = keys.current_key(state_admin.state)
    proofs.verify(credential, public_key=state_key.public_key)
    assert credential["proof"]["verificationMethod"].startswith(credential["issuer"]["id"] + "#")
    assert endorsement_schema_errors(credential) == []
    event = AuditEvent.objects.get(action="endorsement.given", target_id=endorsement.pk)
    assert (event.actor, event.district, event.to_status) == (
        state_admin,
        entry.district,
        "standing",
    )


def test_the_state_serves_its_did_document_and_status_list(client, state_admin, entry):
    endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)

    did = client.get(reverse("badges:state_did", kwargs={"slug": "sunflower"})).json()
    listed = client.get(reverse("badges:state_status_list", kwargs={"slug": "sunflower"})).json()

    assert did["id"] == keys.issuer_did(state_admin.state)
    assert did["assertionMethod"] == [m["id"] for m in did["verificationMethod"]]
    assert listed["issuer"] == did["id"]
    assert client.get(reverse("badges:state_did", kwargs={"slug": "nowhere"})).status_code == 404


def test_only_awards_issued_after_it_carry_the_endorsement(state_admin, educator, entry):
    before = award_issue_for_submission(
        submission_id=earned_submission(educator=educator, microcredential=entry).pk
    )
    endorsement = endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)
    after = award_issue_for_submission(
        submission_id=earned_submission(educator=educator, microcredential=entry).pk
    )

    assert "endorsement" not in before.credential["credentialSubject"]["achievement"]
    carried = after.credential["credentialSubject"]["achievement"]["endorsement"]
    assert carried == [endorsement.credential]
    assert verification.award_verification(after).passed
    [checked] = verification.carried_endorsements(after)
    assert checked.endorsement == endorsement
    assert [c.name for c in checked.verification.checks] == [
        "Issuer's key",
        "Signature",
        "Revocation status",
        "Dates",
        "Format",
    ]
    assert checked.verification.passed


def test_a_changed_carried_endorsement_fails_its_own_signature(state_admin, educator, entry):
    endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)
    award = award_issue_for_submission(
        submission_id=earned_submission(educator=educator, microcredential=entry).pk
    )
    award.credential = copy.deepcopy(award.credential)
    carried = award.credential["credentialSubject"]["achievement"]["endorsement"][0]
    carried["credentialSubject"]["endorsementComment"] = "Counts double for re-licensure."

    [checked] = verification.carried_endorsements(award)

    assert not checked.verification.passed
    assert [c.name for c in checked.verification.checks if not c.passed] == ["Signature"]
    assert not verification.award_verification(award).authentic


def test_withdrawing_marks_it_revoked_and_later_awards_do_not_carry_it(
    state_admin, educator, entry
):
    endorsement = endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)
    carrying = award_issue_for_submission(
        submission_id=earned_submission(educator=educator, microcredential=entry).pk
    )

    endorsement_withdraw(endorsement=endorsement, reason="The rule changed.", actor=state_admin)
    later = award_issue_for_submission(
        submission_id=earned_submission(educator=educator, microcredential=entry).pk
    )

    endorsement.refresh_from_db()
    status = {c.name: c for c in verification.endorsement_verification(endorsement).checks}
    assert not status["Revocation status"].passed
    assert "The rule changed." in status["Revocation status"].words
    [checked] = verification.carried_endorsements(carrying)
    assert not checked.verification.passed
    assert "endorsement" not in later.credential["credentialSubject"]["achievement"]
    assert StatusList.objects.filter(state=state_admin.state).count() == 1
    event = AuditEvent.objects.get(action="endorsement.withdrawn", target_id=endorsement.pk)
    assert (event.from_status, event.to_status) == ("standing", "withdrawn")
    with pytest.raises(EndorsementError, match="already withdrawn"):
        endorsement_withdraw(endorsement=endorsement, reason="Again.", actor=state_admin)


def test_another_districts_admin_endorses_with_the_districts_key(entry, educator):
    other_admin = DistrictAdminFactory(district=DistrictFactory(slug="lakeside"))

    endorsement = endorsement_give(microcredential=entry, comment=COMMENT, actor=other_admin)

    assert endorsement.endorser == other_admin.district
    assert endorsement.credential["issuer"]["id"].endswith(":districts:lakeside")
    assert endorsement_schema_errors(endorsement.credential) == []
    assert verification.endorsement_verification(endorsement).passed


def test_who_may_endorse(entry, district_admin, educator, state_admin):
    for refused in (district_admin, educator):  # its own district's admin; an educator
        with pytest.raises(PermissionDenied):
            endorsement_give(microcredential=entry, comment=COMMENT, actor=refused)
    with pytest.raises(EndorsementError, match="Say what"):
        endorsement_give(microcredential=entry, comment="  ", actor=state_admin)
    endorsement = endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)
    with pytest.raises(EndorsementError, match="already endorses"):
        endorsement_give(microcredential=entry, comment=COMMENT, actor=state_admin)
    other_office = StateAdminFactory()
    with pytest.raises(PermissionDenied):
        endorsement_withdraw(endorsement=endorsement, reason="Not mine.", actor=other_office)
    assert Endorsement.objects.count() == 1


def test_endorse_and_withdraw_pages(client, state_admin, entry, educator):
    client.force_login(state_admin)
    listing = client.get(reverse("badges:endorsements"))
    assert "Classroom Routines" in listing.content.decode()

    refused = client.post(reverse("badges:endorse", args=[entry.pk]), {"comment": ""})
    assert refused.status_code == 200 and not Endorsement.objects.exists()
    response = client.post(reverse("badges:endorse", args=[entry.pk]), {"comment": COMMENT})

    endorsement = Endorsement.objects.get()
    page = reverse("badges:endorsement_verify", args=[endorsement.uuid])
    assert response.url == page
    shown = client.get(page).content.decode()
    assert "Sunflower State endorses" in shown and "Format: passed." in shown
    client.force_login(educator)
    catalog = client.get(reverse("credentials:detail", args=[entry.pk])).content.decode()
    assert "Endorsed by" in catalog and COMMENT.replace("'", "&#x27;") in catalog
    award = award_issue_for_submission(
        submission_id=earned_submission(educator=educator, microcredential=entry).pk
    )
    verify_page = client.get(reverse("badges:verify", args=[award.uuid])).content.decode()
    assert "Endorsed by" in verify_page and "Signature: failed" not in verify_page

    client.force_login(state_admin)
    client.post(
        reverse("badges:endorsement_withdraw", args=[endorsement.uuid]), {"reason": "Rule changed."}
    )
    endorsement.refresh_from_db()
    assert endorsement.is_withdrawn
    assert "Withdrawn" in client.get(page).content.decode()
    client.force_login(educator)
    catalog = client.get(reverse("credentials:detail", args=[entry.pk])).content.decode()
    assert "Endorsed by" not in catalog


def test_the_endorsers_page_costs_the_same_queries_for_more_entries(
    client, state_admin, district, django_assert_num_queries
):
    client.force_login(state_admin)
    for number in range(2):
        endorsement_give(
            microcredential=MicroCredentialFactory(district=district, title=f"Entry {number}"),
            comment=COMMENT,
            actor=state_admin,
        )
    with django_assert_num_queries(QUERIES_OF_THE_ENDORSERS_PAGE):
        client.get(reverse("badges:endorsements"))
    for number in range(2, 6):
        endorsement_give(
            microcredential=MicroCredentialFactory(district=district, title=f"Entry {number}"),
            comment=COMMENT,
            actor=state_admin,
        )
    with django_assert_num_queries(QUERIES_OF_THE_ENDORSERS_PAGE):
        response = client.get(reverse("badges:endorsements"))
    assert response.content.decode().count("Withdraw<span") == 6


# The signed-in user, the entries counted and listed, the endorsements given.
QUERIES_OF_THE_ENDORSERS_PAGE = 4
