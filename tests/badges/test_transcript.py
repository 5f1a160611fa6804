"""The educator's transcript: a CLR 2.0 ClrCredential of every badge that counts, signed."""

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from badges import keys, proofs
from badges.services import award_issue_for_submission, award_revoke
from tests.accounts.factories import EducatorFactory
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db

URL = reverse("badges:transcript")
CLR_SCHEMA = json.loads(
    (
        Path(settings.BASE_DIR) / "static/badges/schema/clr_v2p0_clrcredential_schema.json"
    ).read_text()
)


def clr_schema_problems(document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(
        CLR_SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(document)]


def issue(educator, **fields):
    return award_issue_for_submission(
        submission_id=earned_submission(educator=educator, **fields).pk
    )


def test_the_transcript_holds_every_badge_that_counts_as_issued_with_totals(
    client, educator, district_admin
):
    first = issue(educator, title="Classroom Routines", estimated_hours=15, pd_points=1.5)
    second = issue(educator, title="Formative Assessment", estimated_hours=10, pd_points=1)
    revoked = issue(educator, title="Revoked One")
    award_revoke(award=revoked, reason="Issued in error.", actor=district_admin)
    old = earned_submission(educator=educator, title="Expired One", valid_for_days=30)
    old.decided_at = timezone.now() - timedelta(days=40)
    old.save(update_fields=["decided_at"])
    award_issue_for_submission(submission_id=old.pk)
    issue(EducatorFactory(district=educator.district), title="A colleague's")
    client.force_login(educator)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="transcript-')
    transcript = json.loads(response.content)
    assert transcript["type"] == ["VerifiableCredential", "ClrCredential"]
    assert "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json" in transcript["@context"]
    subject = transcript["credentialSubject"]
    assert subject["verifiableCredential"] == [first.credential, second.credential]
    assert [a["name"] for a in subject["achievement"]] == [
        "Classroom Routines",
        "Formative Assessment",
    ]
    assert (
        ": 2, for 25 hours of professional learning and 2.5 PD points."
        in (transcript["description"])
    )
    key = keys.current_key(educator.district)
    proofs.verify(transcript, public_key=key.public_key)


def test_the_transcript_matches_1edtechs_clr_schema(client, educator):
    issue(educator, title="Classroom Routines")
    issue(educator, title="Formative Assessment")
    client.force_login(educator)

    transcript = json.loads(client.get(URL).content)

    assert clr_schema_problems(transcript) == []
    # The schema holds the contexts to 1EdTech's order: VC, then CLR, then OB.
    reordered = {**transcript, "@context": [transcript["@context"][i] for i in (0, 2, 1)]}
    assert clr_schema_problems(reordered) != []


def test_a_transcript_changed_after_signing_fails(client, educator):
    issue(educator)
    client.force_login(educator)
    transcript = json.loads(client.get(URL).content)
    transcript["credentialSubject"]["verifiableCredential"].append(
        transcript["credentialSubject"]["verifiableCredential"][0]
    )

    with pytest.raises(proofs.ProofError):
        proofs.verify(transcript, public_key=keys.current_key(educator.district).public_key)


def test_the_portfolio_links_to_it(client, educator):
    issue(educator)
    client.force_login(educator)

    assert URL in client.get(reverse("badges:portfolio")).content.decode()


def test_a_district_admin_downloads_an_educators_transcript(client, educator, district_admin):
    first = issue(educator)
    client.force_login(district_admin)

    response = client.get(reverse("people:person_transcript", kwargs={"pk": educator.pk}))

    transcript = json.loads(response.content)
    assert transcript["credentialSubject"]["verifiableCredential"] == [first.credential]
    assert educator.display_name in transcript["name"]
    person_page = client.get(reverse("people:person_edit", kwargs={"pk": educator.pk}))
    assert reverse("people:person_transcript", kwargs={"pk": educator.pk}) in (
        person_page.content.decode()
    )


def test_before_the_first_micro_credential_there_is_no_transcript_and_the_page_says_when(
    client, educator
):
    client.force_login(educator)

    portfolio = client.get(reverse("badges:portfolio")).content.decode()
    response = client.get(URL)

    assert URL not in portfolio
    assert "offered here from your first micro-credential on" in portfolio
    assert response.status_code == 404
    assert "There is no transcript yet" in response.content.decode()


def test_a_revoked_award_alone_makes_no_transcript(client, educator, district_admin):
    award = issue(educator)
    award_revoke(award=award, actor=district_admin, reason="Issued in error.")
    client.force_login(district_admin)

    response = client.get(reverse("people:person_transcript", kwargs={"pk": educator.pk}))

    assert response.status_code == 404
    assert f"{educator.display_name} holds none yet" in response.content.decode()
