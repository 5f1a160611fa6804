"""The checks the verification page makes on an award's signed credential, each said in words
(as the Digital Credentials Consortium's VerifierPlus lists them): the issuer's key, the
signature, the revocation status, the dates, and the OB 3.0 JSON schema; and the same checks of
an endorsement (an EndorsementCredential, signed by its endorser), on its own page and on the
page of every award that carries it.

They read the same documents any verifier reads, from where we serve them: the issuer's DID
document (``/districts/<slug>/did.json``, a state office's ``/states/<slug>/did.json``), its
signed status list, and 1EdTech's OB 3.0 schemas as vendored in ``static/badges/schema``. A
check that cannot be made fails; it never passes by default.
"""

import functools
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jsonschema
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from . import keys, open_badges, proofs
from .models import Award, Endorsement, StatusList

# 1EdTech's OB 3.0 JSON schemas, as vendored (vendor_schema.py): an award is validated against the
# AchievementCredential one, an endorsement against the EndorsementCredential one.
SCHEMA_DIR = Path(settings.BASE_DIR) / "static/badges/schema"
ACHIEVEMENT_CREDENTIAL = SCHEMA_DIR / "ob_v3p0_achievementcredential_schema.json"
ENDORSEMENT_CREDENTIAL = SCHEMA_DIR / "ob_v3p0_endorsementcredential_schema.json"


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    words: str


@dataclass(frozen=True)
class Verification:
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def authentic(self) -> bool:
        """The issuer's key and the signature hold: the credential is the district's, as
        issued (whether it still counts is the status and dates' matter)."""
        return all(check.passed for check in self.checks[:2])


# A proof's outcome depends only on the document and the key, a schema's only on the document:
# each is kept (a day) by their hash, so a page viewed again, or the status list shared by every
# award of a district, is not canonicalized or validated again.
PROOF_RESULT_SECONDS = 24 * 3600


def ob3_schema(schema: Path = ACHIEVEMENT_CREDENTIAL) -> dict:
    """1EdTech's OB 3.0 JSON schema of an achievement credential, or of an endorsement credential
    (``ENDORSEMENT_CREDENTIAL``), both in their JSON-LD adaptation (a single proof object
    allowed)."""
    return json.loads(schema.read_text())


@functools.cache
def _schema_validator(schema: Path = ACHIEVEMENT_CREDENTIAL) -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(
        ob3_schema(schema), format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _public_key_of(did_document: dict, method_id: str):
    if method_id not in did_document.get("assertionMethod", []):
        return None
    for method in did_document.get("verificationMethod", []):
        if method.get("id") == method_id:
            return proofs.public_key_from_multikey(method["publicKeyMultibase"])
    return None


def _issuer_key(credential: dict, did_document: dict) -> tuple[Check, object]:
    name = "Issuer's key"
    issuer = credential.get("issuer", {})
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    method_id = credential.get("proof", {}).get("verificationMethod", "")
    if issuer_id != did_document["id"] or not method_id.startswith(f"{issuer_id}#"):
        return Check(name, False, "The key that signed it does not belong to its issuer."), None
    try:
        public_key = _public_key_of(did_document, method_id)
    except proofs.ProofError:
        public_key = None
    if public_key is None:
        return Check(
            name,
            False,
            f"The issuer {issuer_id} does not publish the key that signed it "
            f"({method_id}) among its keys for issuing credentials.",
        ), None
    return Check(
        name,
        True,
        f"Signed with key {method_id.split('#', 1)[1]}, which the issuer {issuer_id} publishes "
        "in its DID document as a key for issuing credentials.",
    ), public_key


def _remembered(kind: str, document: dict, extra: str, work) -> str:
    """``work()`` (a problem in words, "" for none), kept by the hash of ``document`` and
    ``extra``: the outcome depends on nothing else."""
    digest = hashlib.sha256(
        json.dumps(document, sort_keys=True).encode() + extra.encode()
    ).hexdigest()
    key = f"badges:{kind}:{digest}"
    problem = cache.get(key)
    if problem is None:
        problem = work()
        cache.set(key, problem, PROOF_RESULT_SECONDS)
    return problem


def _proof_problem(document: dict, public_key) -> str:
    """Why ``document``'s proof does not hold under ``public_key`` ("" when it holds)."""

    def work() -> str:
        try:
            proofs.verify(document, public_key=public_key)
        except (proofs.ProofError, proofs.ContextNotVendored) as error:
            return str(error) or "it does not match"
        return ""

    return _remembered("proof", document, proofs.multikey_from_public_key(public_key), work)


def _schema_problem(credential: dict, schema: Path = ACHIEVEMENT_CREDENTIAL) -> str:
    def work() -> str:
        validator = _schema_validator(schema)
        errors = sorted(validator.iter_errors(credential), key=lambda e: e.path)
        if not errors:
            return ""
        where = "/".join(str(part) for part in errors[0].absolute_path) or "the credential"
        return f"{where}: {errors[0].message[:200]}"

    return _remembered("schema", credential, schema.name, work)


def _signature(credential: dict, public_key) -> Check:
    name = "Signature"
    if public_key is None:
        return Check(name, False, "Not checked: the issuer's key could not be found.")
    problem = _proof_problem(credential, public_key)
    if problem:
        return Check(name, False, f"The signature does not hold: {problem}")
    created = parse_datetime(credential["proof"].get("created", ""))
    when = f" on {_day(created)}" if created else ""
    return Check(
        name,
        True,
        f"The Data Integrity proof (eddsa-rdfc-2022) matches the credential: nothing in it has "
        f"changed since the issuer signed it{when}.",
    )


def _status(
    status_list: StatusList | None, credential: dict, did_document: dict, *, reason: str
) -> Check:
    """Whether the issuer's signed list (``status_list``, the issuer's own) marks ``credential``
    revoked; ``reason`` is what the issuer said when it did."""
    name = "Revocation status"
    entry = credential.get("credentialStatus", {})
    if status_list is None or not status_list.credential:
        return Check(name, False, "The issuer's revocation list could not be read.")
    listed = status_list.credential
    key_check, public_key = _issuer_key(listed, did_document)
    if not key_check.passed or not _signature(listed, public_key).passed:
        return Check(name, False, "The issuer's revocation list is not signed by the issuer.")
    try:
        index = int(entry["statusListIndex"])
        bits = open_badges.decode_list(listed["credentialSubject"]["encodedList"])
        revoked = bool(bits[index // 8] & (0x80 >> (index % 8)))
    except (KeyError, ValueError, IndexError, OSError):
        return Check(name, False, "Its place in the issuer's revocation list cannot be read.")
    if revoked:
        said = f" Reason: {reason}" if reason else ""
        return Check(
            name, False, f"Revoked: the issuer's signed revocation list marks it revoked.{said}"
        )
    return Check(
        name,
        True,
        "Not revoked: the issuer's signed revocation list (Bitstring Status List) does not mark "
        "it revoked.",
    )


def _dates(credential: dict, now: datetime) -> Check:
    name = "Dates"
    valid_from = parse_datetime(credential.get("validFrom", ""))
    valid_until = parse_datetime(credential.get("validUntil", "") or "")
    if valid_from is None:
        return Check(name, False, "It does not say from when it is valid.")
    if valid_from > now:
        return Check(name, False, f"Not valid yet: valid from {_day(valid_from)}.")
    if valid_until is not None and valid_until <= now:
        return Check(
            name,
            False,
            f"Expired on {_day(valid_until)}; it was valid from {_day(valid_from)}.",
        )
    until = f"until {_day(valid_until)}" if valid_until else "with no expiry date"
    return Check(name, True, f"Valid from {_day(valid_from)}, {until}.")


def _schema(credential: dict) -> Check:
    name = "Format"
    problem = _schema_problem(credential)
    if problem:
        return Check(
            name, False, f"It does not match 1EdTech's Open Badges 3.0 JSON schema ({problem})."
        )
    return Check(
        name,
        True,
        "It matches 1EdTech's Open Badges 3.0 JSON schema for an achievement credential.",
    )


def _endorsement_schema(credential: dict) -> Check:
    name = "Format"
    problem = _schema_problem(credential, ENDORSEMENT_CREDENTIAL)
    if problem:
        return Check(
            name,
            False,
            f"It does not match 1EdTech's Open Badges 3.0 JSON schema for an endorsement "
            f"({problem}).",
        )
    return Check(name, True, "It matches 1EdTech's Open Badges 3.0 JSON schema for an endorsement.")


def award_verification(award: Award, *, now: datetime | None = None) -> Verification:
    """Every check of the award's signed credential, in the order a verifier makes them."""
    credential = award.credential
    did_document = keys.did_document(award.district)
    key_check, public_key = _issuer_key(credential, did_document)
    status_list = StatusList.objects.filter(district_id=award.district_id).first()
    return Verification(
        checks=[
            key_check,
            _signature(credential, public_key),
            _status(status_list, credential, did_document, reason=award.revocation_reason),
            _dates(credential, now or timezone.now()),
            _schema(credential),
        ]
    )


def endorsement_verification(
    endorsement: Endorsement, credential: dict | None = None, *, now: datetime | None = None
) -> Verification:
    """Every check of an endorsement's signed credential: the one we keep, or ``credential``,
    the copy an award carries (which must hold on its own)."""
    credential = endorsement.credential if credential is None else credential
    endorser = endorsement.endorser
    did_document = keys.did_document(endorser)
    key_check, public_key = _issuer_key(credential, did_document)
    status_list = StatusList.objects.filter(
        **(
            {"district_id": endorsement.endorser_district_id}
            if endorsement.endorser_district_id
            else {"state_id": endorsement.endorser_state_id}
        )
    ).first()
    return Verification(
        checks=[
            key_check,
            _signature(credential, public_key),
            _status(status_list, credential, did_document, reason=endorsement.withdrawal_reason),
            _dates(credential, now or timezone.now()),
            _endorsement_schema(credential),
        ]
    )


@dataclass(frozen=True)
class CarriedEndorsement:
    """An endorsement an award's credential carries: the copy, the endorsement it claims to be
    (None: none of ours has its id) and what the checks found."""

    credential: dict
    endorsement: Endorsement | None
    verification: Verification


def carried_endorsements(award: Award) -> list[CarriedEndorsement]:
    """The endorsements in the award's achievement, each checked on its own."""
    carried = award.credential.get("credentialSubject", {}).get("achievement", {})
    copies = [c for c in carried.get("endorsement", []) if isinstance(c, dict)]
    if not copies:
        return []
    ids = [str(c.get("id", "")).removeprefix("urn:uuid:") for c in copies]
    known = {
        f"urn:uuid:{e.uuid}": e
        for e in Endorsement.objects.filter(
            uuid__in=[i for i in ids if _is_uuid(i)]
        ).select_related("endorser_state", "endorser_district")
    }
    found = []
    for copy in copies:
        endorsement = known.get(copy.get("id"))
        if endorsement is None:
            verification = Verification(
                checks=[Check("Endorser", False, "No endorsement given here has this id.")]
            )
        else:
            verification = endorsement_verification(endorsement, copy)
        found.append(CarriedEndorsement(copy, endorsement, verification))
    return found


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
