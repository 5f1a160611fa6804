"""Interoperability corpus: the credentials we issue, checked by three independent verifiers
that must agree on every one, offline.

- @digitalcredentials/verifier-core (what the DCC's VerifierPlus and Learner Credential Wallet
  run), through verify_credential.mjs;
- Digital Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and the Bitstring
  Status List library, through verify_credential_db.mjs;
- spec_verifier.py, written in Python from the W3C and 1EdTech specifications (PyLD for RDFC-1.0,
  cryptography for Ed25519), sharing no code with badges/.

The corpus (written to the test's folder, one JSON file per credential) holds a credential as
issued (it carries a state office's endorsement), copies changed after signing (must fail), a
revoked one (must say revoked), an expired one (must say expired) and its renewal (a new
credential naming the expired one; a copy of it naming another must fail); a transcript (CLR)
and a changed copy; the state office's endorsement (EndorsementCredential, signed with the
office's own did:web key), a changed copy, and a district's endorsement it withdrew (must say
revoked). Every one also matches 1EdTech's JSON schema for its kind (a transcript the CLR 2.0
ClrCredential schema, and each badge in it the OB 3.0 one).
"""

import copy
import json
import subprocess
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from badges import open_badges, transcripts
from badges.models import Award, PublicEvidence
from badges.open_badges import OB3_ENDORSEMENT_SCHEMA_URL
from badges.services import (
    award_issue_for_submission,
    award_revoke,
    endorsement_give,
    endorsement_withdraw,
)
from submissions.models import Submission
from tests.accounts.factories import DistrictAdminFactory, DistrictFactory, StateAdminFactory
from tests.badges import spec_verifier
from tests.badges.factories import earned_submission, panel_found
from tests.badges.test_verifier_core import steps, verify_paths_with_node

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
DB_SCRIPT = ROOT / "tests" / "badges" / "verify_credential_db.mjs"
CONTEXTS = ":".join(str(d) for d in spec_verifier.CONTEXT_DIRS)


def issue(educator, **fields):
    submission = earned_submission(educator=educator, **fields)
    panel_found(submission, [2, 2], [2, 2])
    return submission


@pytest.fixture
def corpus(educator, district_admin, tmp_path) -> dict[str, tuple[Path, str]]:
    """name -> (the credential's file, the verdict every verifier must reach)."""
    submission = issue(
        educator,
        state_standard="Standard 4: Teachers facilitate learning",
        state_standard_url="https://standards.example.gov/teaching/4",
    )
    state_admin = StateAdminFactory(state__name="Sunflower State", state__slug="sunflower")
    endorsement = endorsement_give(
        microcredential=submission.plan.microcredential,
        comment="Meets the state's re-licensure rule for classroom management: 15 clock hours.",
        actor=state_admin,
    ).credential
    # Decided after the endorsement: the badge carries it.
    submission.decided_at = timezone.now()
    submission.save(update_fields=["decided_at"])
    PublicEvidence.objects.create(
        submission=submission,
        position=1,
        title="Morning routine chart",
        narrative="Co-written with my class; transitions took half the time by week four.",
    )
    issued = award_issue_for_submission(submission_id=submission.pk).credential
    assert issued["credentialSubject"]["achievement"]["endorsement"] == [endorsement]

    renamed = copy.deepcopy(issued)
    renamed["credentialSubject"]["achievement"]["name"] += " (Advanced)"
    # Someone claims a higher rubric level: the level ids are all in the credential.
    upgraded = copy.deepcopy(issued)
    criterion = upgraded["credentialSubject"]["achievement"]["resultDescription"][0]
    levels = [level["id"] for level in criterion["rubricCriterionLevel"]]
    result = upgraded["credentialSubject"]["result"][0]
    result["achievedLevel"] = next(i for i in levels if i != result["achievedLevel"])
    more_evidence = copy.deepcopy(issued)
    more_evidence["evidence"].append(
        {"type": ["Evidence"], "name": "Award of the year", "narrative": "Never happened."}
    )

    revoked_award = award_issue_for_submission(submission_id=issue(educator).pk)
    award_revoke(award=revoked_award, reason="Issued in error.", actor=district_admin)

    old = issue(educator, valid_for_days=30)
    old.decided_at = timezone.now() - timedelta(days=40)
    old.save(update_fields=["decided_at"])
    expired = award_issue_for_submission(submission_id=old.pk).credential
    # Its renewal: a new credential naming the expired one (an evidence entry, ``genre``).
    renewing = issue(educator)
    Submission.objects.filter(pk=renewing.pk).update(renews=old, first_earned_at=old.decided_at)
    renewed = award_issue_for_submission(submission_id=renewing.pk).credential
    renamed_renewal = copy.deepcopy(renewed)
    open_badges.renewed_credential(renamed_renewal)["name"] = "Renews nothing"

    transcript = transcripts.clr_credential(
        educator=educator,
        awards=list(Award.objects.filter(educator=educator).counting().order_by("issued_at")),
        now=timezone.now(),
    )
    padded = copy.deepcopy(transcript)
    padded["description"] = padded["description"].replace("PD points", "PD points (and 40 more)")

    overstated = copy.deepcopy(endorsement)
    overstated["credentialSubject"]["endorsementComment"] += " Counts double."
    neighbour = DistrictAdminFactory(district=DistrictFactory(name="Lakeside", slug="lakeside"))
    withdrawn = endorsement_give(
        microcredential=submission.plan.microcredential,
        comment="Lakeside recognises it for its own teachers.",
        actor=neighbour,
    )
    endorsement_withdraw(endorsement=withdrawn, reason="Given in error.", actor=neighbour)

    folder = tmp_path / "corpus"
    folder.mkdir()
    cases = {
        "issued": (issued, "valid"),
        "tampered-name": (renamed, "invalid"),
        "tampered-rubric-level": (upgraded, "invalid"),
        "tampered-evidence": (more_evidence, "invalid"),
        "revoked": (revoked_award.credential, "revoked"),
        "expired": (expired, "expired"),
        "renewed": (renewed, "valid"),
        "renewed-tampered": (renamed_renewal, "invalid"),
        "transcript": (transcript, "valid"),
        "transcript-tampered": (padded, "invalid"),
        "endorsement": (endorsement, "valid"),
        "endorsement-tampered": (overstated, "invalid"),
        "endorsement-withdrawn": (withdrawn.credential, "revoked"),
    }
    written = {}
    for name, (credential, expected) in cases.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(credential, indent=2))
        written[name] = (path, expected)
    return written


def fetch_from(live_server):
    """Fetch JSON as a verifier would, our site's host served by the test's live server."""
    site_host = urlsplit(settings.SITE_URL).netloc

    def fetch_json(url: str) -> dict:
        parts = urlsplit(url)
        if parts.netloc != site_host:
            raise spec_verifier.VerificationError(f"offline test: refused to fetch {url}")
        with urllib.request.urlopen(live_server.url + parts.path, timeout=30) as response:
            return json.loads(response.read())

    return fetch_json


def verifier_core_verdicts(paths: list[Path], live_server) -> dict[Path, str]:
    """verifier-core's verdict on every credential, all verified in one node process; what it
    fetches for an EndorsementCredential (``OB3_ENDORSEMENT_SCHEMA_URL``) is served from our
    pinned copy of 1EdTech's file, the one the Python verifier validates against."""
    schema = spec_verifier.OB3_ENDORSEMENT_SCHEMA
    output = verify_paths_with_node(paths, live_server, files={OB3_ENDORSEMENT_SCHEMA_URL: schema})
    return {path: verifier_core_verdict(result) for path, result in output["results"].items()}


def verifier_core_verdict(result: dict) -> str:
    if result.get("errors"):
        return "invalid"
    log = steps(result)
    # A transcript has no status entry of its own (its badges have theirs).
    if not log.get("revocation_status", {"valid": True})["valid"]:
        return "revoked"
    if not log["expiration"]["valid"]:
        return "expired"
    # "registered_issuer" is left out: it says whether the issuer is in one of the DCC's issuer
    # registries (VerifierPlus shows it as a warning), and the test gives it none.
    checked = {name: step for name, step in log.items() if name != "registered_issuer"}
    return "valid" if all(step["valid"] for step in checked.values()) else "invalid"


def digital_bazaar_verdicts(paths: list[Path], live_server) -> dict[Path, str]:
    completed = subprocess.run(
        ["node", str(DB_SCRIPT), settings.SITE_URL, live_server.url, CONTEXTS]
        + [str(p) for p in paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    verdicts = {}
    for result in json.loads(completed.stdout)["results"]:
        if result["revoked"]:
            verdict = "revoked"
        elif result["verified"]:
            verdict = "valid"
        elif any('"validUntil"' in error for error in result["errors"]):
            verdict = "expired"
        else:
            verdict = "invalid"
        verdicts[Path(result["path"])] = verdict
    return verdicts


def test_three_independent_verifiers_agree_on_every_credential(corpus, live_server):
    fetch_json = fetch_from(live_server)
    paths = [path for path, _ in corpus.values()]
    bazaar = digital_bazaar_verdicts(paths, live_server)
    core = verifier_core_verdicts(paths, live_server)

    found = {}
    for name, (path, _expected) in corpus.items():
        credential = json.loads(path.read_text())
        found[name] = {
            "verifier-core": core[path],
            "digitalbazaar-vc": bazaar[path],
            "python-spec": spec_verifier.verify(credential, fetch_json).verdict,
        }

    expected = {
        name: dict.fromkeys(("verifier-core", "digitalbazaar-vc", "python-spec"), verdict)
        for name, (_path, verdict) in corpus.items()
    }
    assert found == expected
    assert schema_problems(corpus) == dict.fromkeys(corpus, [])


def schema_problems(corpus) -> dict[str, list[str]]:
    """What 1EdTech's JSON schemas find wrong with each credential (jsonschema): a badge against
    the OB 3.0 AchievementCredential schema, an endorsement against its EndorsementCredential, a
    transcript against the CLR 2.0 ClrCredential schema and each badge in it against the OB 3.0
    one. Changed copies are still well-formed: their signature is what fails."""
    problems = {}
    for name, (path, _expected) in corpus.items():
        credential = json.loads(path.read_text())
        members = credential.get("credentialSubject", {}).get("verifiableCredential", [])
        problems[name] = [
            problem
            for document in [credential, *members]
            for problem in spec_verifier.schema_problems(document)
        ]
    return problems


def test_the_python_verifier_says_why_a_changed_credential_fails(corpus, live_server):
    path, _ = corpus["tampered-rubric-level"]

    outcome = spec_verifier.verify(json.loads(path.read_text()), fetch_from(live_server))

    assert outcome.verdict == "invalid"
    assert outcome.problems == ["proof: the signature does not match the document"]


def test_the_python_verifier_refuses_a_key_the_issuer_does_not_publish(corpus, live_server):
    path, _ = corpus["issued"]
    credential = json.loads(path.read_text())
    did = credential["issuer"]["id"]
    credential["proof"]["verificationMethod"] = f"{did}#key-not-published"

    outcome = spec_verifier.verify(credential, fetch_from(live_server))

    assert outcome.verdict == "invalid"
    assert outcome.problems == [
        f"proof: {did}#key-not-published is not an assertionMethod of {did}"
    ]
