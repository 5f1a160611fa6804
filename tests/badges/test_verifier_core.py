"""The credential verifies with @digitalcredentials/verifier-core (node), offline.

The verifier resolves our did:web DID document and the status list from the test's live server
(see verify_credential.mjs) and reads the OB 3.0 JSON schema from the vendored copy.
"""

import copy
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from badges import proofs
from badges.models import PublicEvidence
from badges.open_badges import OB3_SCHEMA_URL
from badges.services import award_issue_for_submission, award_revoke
from tests.badges.factories import earned_submission, panel_found

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "tests" / "badges" / "verify_credential.mjs"
SCHEMA = ROOT / "static" / "badges" / "schema" / "ob_v3p0_achievementcredential_schema.json"
CLR_CONTEXT = (
    ROOT / "static/badges/contexts-pypi/purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
)


def verify_paths_with_node(paths: list[Path], live_server, *, files: dict[str, Path]) -> dict:
    """verifier-core's result for each credential file, all in one node process:
    ``{"results": {path: result}, "requested": [urls]}``. ``files`` serves URLs from local
    files (the vendored OB 3.0 schema and CLR context always)."""
    served = {OB3_SCHEMA_URL: SCHEMA, proofs.CLR_V2_CONTEXT: CLR_CONTEXT, **files}
    completed = subprocess.run(
        [
            "node",
            str(SCRIPT),
            settings.SITE_URL,
            live_server.url,
            *(f"{url}={path}" for url, path in served.items()),
            *(str(path) for path in paths),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60 + 30 * len(paths),
    )
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    return {
        "results": {Path(item["path"]): item["result"] for item in output["results"]},
        "requested": output["requested"],
    }


def verify_with_node(credential: dict, live_server, tmp_path) -> dict:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))
    output = verify_paths_with_node([path], live_server, files={})
    return {"result": output["results"][path], "requested": output["requested"]}


def steps(result: dict) -> dict:
    return {step["id"]: step for step in result.get("log", [])}


def test_issued_credential_verifies_offline(educator, live_server, tmp_path):
    submission = earned_submission(
        educator=educator,
        state_standard="Standard 4: Teachers facilitate learning",
        state_standard_url="https://standards.example.gov/teaching/4",
    )
    panel_found(submission, [2, 2], [2, 2])
    PublicEvidence.objects.create(
        submission=submission, position=1, title="Routine chart", narrative="Made with my class."
    )
    award = award_issue_for_submission(submission_id=submission.pk)
    assert award.credential["credentialSubject"]["result"][0]["achievedLevel"]

    output = verify_with_node(award.credential, live_server, tmp_path)

    result = output["result"]
    assert "errors" not in result, result
    log = steps(result)
    assert log["valid_signature"]["valid"] is True
    assert log["revocation_status"]["valid"] is True
    assert log["expiration"]["valid"] is True
    schema_check = result["additionalInformation"][0]["results"][0]
    assert schema_check["schema"] == OB3_SCHEMA_URL
    assert schema_check["result"]["valid"] is True
    slug = educator.district.slug
    assert f"https://testserver/districts/{slug}/did.json" in output["requested"]
    assert f"http://testserver/districts/{slug}/status/revocation.json" in output["requested"]


def test_a_changed_byte_fails_verification(educator, live_server, tmp_path):
    submission = earned_submission(educator=educator)
    award = award_issue_for_submission(submission_id=submission.pk)
    tampered = copy.deepcopy(award.credential)
    name = tampered["credentialSubject"]["achievement"]["name"]
    tampered["credentialSubject"]["achievement"]["name"] = name[:-1] + chr(ord(name[-1]) ^ 1)

    result = verify_with_node(tampered, live_server, tmp_path)["result"]

    assert result["errors"][0]["name"] == "invalid_signature"


def test_a_revoked_award_is_reported_revoked(educator, district_admin, live_server, tmp_path):
    submission = earned_submission(educator=educator)
    award = award_issue_for_submission(submission_id=submission.pk)
    other = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    award_revoke(award=award, reason="Issued in error.", actor=district_admin)

    revoked = steps(verify_with_node(award.credential, live_server, tmp_path)["result"])
    still_valid = steps(verify_with_node(other.credential, live_server, tmp_path)["result"])

    assert revoked["valid_signature"]["valid"] is True
    assert revoked["revocation_status"]["valid"] is False
    assert still_valid["revocation_status"]["valid"] is True


def test_credentials_signed_before_a_key_rotation_still_verify(educator, live_server, tmp_path):
    from badges import keys

    before = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    keys.key_generate(educator.district)
    after = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    assert (
        before.credential["proof"]["verificationMethod"]
        != after.credential["proof"]["verificationMethod"]
    )
    for award in (before, after):
        log = steps(verify_with_node(award.credential, live_server, tmp_path)["result"])
        assert log["valid_signature"]["valid"] is True


def test_an_expired_credential_is_reported_expired(educator, live_server, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    submission = earned_submission(educator=educator, valid_for_days=30)
    submission.decided_at = timezone.now() - timedelta(days=40)
    submission.save(update_fields=["decided_at"])
    award = award_issue_for_submission(submission_id=submission.pk)

    log = steps(verify_with_node(award.credential, live_server, tmp_path)["result"])

    assert log["valid_signature"]["valid"] is True
    assert log["expiration"]["valid"] is False
    assert award.verification_status == "expired"
