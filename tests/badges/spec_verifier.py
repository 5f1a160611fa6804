"""A verifier of Open Badges 3.0 credentials written in Python from the specifications, and
from nothing in ``badges/``: W3C Verifiable Credential Data Integrity 1.0 and its EdDSA
Cryptosuites v1.0 (``eddsa-rdfc-2022``), the did:web method, Bitstring Status List v1.0, VC
Data Model 2.0 (``validFrom`` / ``validUntil``), 1EdTech's OB 3.0 JSON schema (of an
achievement credential, or of an endorsement credential) and its CLR 2.0 JSON schema (of a
ClrCredential).

RDFC-1.0 canonicalization is PyLD's (URDNA2015, the algorithm RDFC-1.0 standardised), with a
document loader that serves the vendored JSON-LD contexts only; did:web documents and status
lists are fetched over HTTP through ``fetch_json``, which the tests point at their live server.
"""

import base64
import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import jsonschema
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

ROOT = Path(__file__).resolve().parents[2]
CONTEXT_DIRS = (ROOT / "static/badges/contexts", ROOT / "static/badges/contexts-pypi")
OB3_SCHEMA = ROOT / "static" / "badges" / "schema" / "ob_v3p0_achievementcredential_schema.json"
CLR2_SCHEMA = ROOT / "static" / "badges" / "schema" / "clr_v2p0_clrcredential_schema.json"
OB3_ENDORSEMENT_SCHEMA = (
    ROOT / "static" / "badges" / "schema" / "ob_v3p0_endorsementcredential_schema.json"
)
BASE58_BITCOIN = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Multikey: the multicodec header of an Ed25519 public key, 0xed as a varint.
ED25519_PUB_HEADER = bytes([0xED, 0x01])


@dataclass
class Outcome:
    """What the verifier found: ``verdict`` is "valid", "invalid", "revoked" or "expired"."""

    verdict: str = "valid"
    problems: list[str] = field(default_factory=list)

    def fail(self, verdict: str, problem: str) -> None:
        # An invalid proof outranks everything; a revocation outranks an expiry.
        rank = {"valid": 0, "expired": 1, "revoked": 2, "invalid": 3}
        if rank[verdict] > rank[self.verdict]:
            self.verdict = verdict
        self.problems.append(problem)


class VerificationError(Exception):
    pass


def _contexts() -> dict[str, Path]:
    found = {}
    for directory in CONTEXT_DIRS:
        index = json.loads((directory / "index.json").read_text())
        found.update({url: directory / name for url, name in index.items()})
    return found


def document_loader(url: str, options: dict | None = None) -> dict:
    path = _contexts().get(url)
    if path is None:
        raise VerificationError(f"context {url} is not vendored; refusing to fetch it")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(path.read_text())}


def rdfc(document: dict) -> str:
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58_BITCOIN.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return bytes(len(text) - len(text.lstrip("1"))) + body


def multibase_decode(value: str) -> bytes:
    if value.startswith("z"):
        return base58btc_decode(value[1:])
    if value.startswith("u"):
        body = value[1:]
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    raise VerificationError(f"unsupported multibase prefix {value[:1]!r}")


def did_web_url(did: str) -> str:
    """did:web method §3.2: colons become slashes, %3A a port; no path means /.well-known."""
    host, *path = did.removeprefix("did:web:").split(":")
    if not path:
        return f"https://{unquote(host)}/.well-known/did.json"
    return f"https://{unquote(host)}/{'/'.join(unquote(p) for p in path)}/did.json"


def resolve_assertion_key(method_id: str, fetch_json: Callable[[str], dict]) -> Ed25519PublicKey:
    """The Ed25519 key of ``method_id``, if its DID document lists it for assertionMethod."""
    did = method_id.split("#", 1)[0]
    if not did.startswith("did:web:"):
        raise VerificationError(f"only did:web is resolved, not {did}")
    document = fetch_json(did_web_url(did))
    if document.get("id") != did:
        raise VerificationError(f"the DID document of {did} names {document.get('id')}")
    relative = "#" + method_id.split("#", 1)[1]
    listed = {m if isinstance(m, str) else m.get("id") for m in document.get("assertionMethod", [])}
    if method_id not in listed and relative not in listed:
        raise VerificationError(f"{method_id} is not an assertionMethod of {did}")
    for method in document.get("verificationMethod", []):
        if method.get("id") in (method_id, relative):
            if method.get("controller") != did or method.get("type") != "Multikey":
                raise VerificationError(f"{method_id} is not a Multikey controlled by {did}")
            raw = multibase_decode(method["publicKeyMultibase"])
            if raw[:2] != ED25519_PUB_HEADER or len(raw) != 34:
                raise VerificationError(f"{method_id} is not an Ed25519 Multikey")
            return Ed25519PublicKey.from_public_bytes(raw[2:])
    raise VerificationError(f"{did} publishes no key {method_id}")


def verify_proof(document: dict, fetch_json: Callable[[str], dict]) -> str:
    """EdDSA Cryptosuites v1.0 §3.3 (eddsa-rdfc-2022), Verify Proof. Returns the issuer id
    that controls the key; raises VerificationError otherwise."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise VerificationError("no proof (or more than one)")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-rdfc-2022":
        raise VerificationError("not a DataIntegrityProof of eddsa-rdfc-2022")
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("the proof's purpose is not assertionMethod")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    signature = multibase_decode(proof.get("proofValue", ""))
    # §3.3.4 Proof Configuration: the options take the document's @context.
    options["@context"] = unsecured["@context"]
    # §3.3.3 Hashing: SHA-256 of the canonical proof configuration, then of the document.
    hash_data = (
        hashlib.sha256(rdfc(options).encode()).digest()
        + hashlib.sha256(rdfc(unsecured).encode()).digest()
    )
    method_id = proof.get("verificationMethod", "")
    public_key = resolve_assertion_key(method_id, fetch_json)
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature as error:
        raise VerificationError("the signature does not match the document") from error
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if method_id.split("#", 1)[0] != issuer_id:
        raise VerificationError("the signing key is not the issuer's")
    return issuer_id


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def revoked(credential: dict, issuer_id: str, fetch_json: Callable[[str], dict]) -> bool:
    """Bitstring Status List v1.0 §3.2 Validate Algorithm, for statusPurpose "revocation"."""
    entry = credential["credentialStatus"]
    if entry.get("type") != "BitstringStatusListEntry":
        raise VerificationError("unknown credentialStatus type")
    status_list = fetch_json(entry["statusListCredential"])
    if "BitstringStatusListCredential" not in status_list.get("type", []):
        raise VerificationError("the status list is not a BitstringStatusListCredential")
    if verify_proof(status_list, fetch_json) != issuer_id:
        raise VerificationError("the status list is not the credential issuer's")
    subject = status_list["credentialSubject"]
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise VerificationError("the status list serves another purpose")
    bits = gzip.decompress(multibase_decode(subject["encodedList"]))
    index = int(entry["statusListIndex"])
    # §2.1: the first index is the left-most bit of the first byte.
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def schema_of(credential: dict) -> dict:
    """1EdTech's JSON schema for the credential's type: the CLR 2.0 ClrCredential schema for a
    ClrCredential, the OB 3.0 EndorsementCredential schema for an EndorsementCredential, else
    the OB 3.0 AchievementCredential schema."""
    types = credential.get("type", [])
    if "ClrCredential" in types:
        return json.loads(CLR2_SCHEMA.read_text())
    if "EndorsementCredential" in types:
        return json.loads(OB3_ENDORSEMENT_SCHEMA.read_text())
    return json.loads(OB3_SCHEMA.read_text())


def schema_problems(credential: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(
        schema_of(credential), format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    return [f"schema: {error.message[:200]}" for error in validator.iter_errors(credential)]


def verify(
    credential: dict, fetch_json: Callable[[str], dict], *, now: datetime | None = None
) -> Outcome:
    outcome = Outcome()
    now = now or datetime.now(UTC)
    for problem in schema_problems(credential):
        outcome.fail("invalid", problem)
    if "ClrCredential" in credential.get("type", []):
        # CLR 2.0: each embedded achievement credential must also hold its own proof and match
        # the OB 3.0 schema (the CLR schema takes any VerifiableCredential there).
        for number, member in enumerate(credential["credentialSubject"]["verifiableCredential"]):
            for problem in schema_problems(member):
                outcome.fail("invalid", f"credential {number}: {problem}")
            try:
                verify_proof(member, fetch_json)
            except (VerificationError, KeyError, ValueError, jsonld.JsonLdError) as error:
                outcome.fail("invalid", f"credential {number}: proof: {error}")
    try:
        issuer_id = verify_proof(credential, fetch_json)
    except (VerificationError, KeyError, ValueError, jsonld.JsonLdError) as error:
        outcome.fail("invalid", f"proof: {error}")
        return outcome
    if "validFrom" in credential and _moment(credential["validFrom"]) > now:
        outcome.fail("invalid", "not valid yet")
    if "validUntil" in credential and _moment(credential["validUntil"]) <= now:
        outcome.fail("expired", f"expired on {credential['validUntil']}")
    if "credentialStatus" in credential:
        try:
            if revoked(credential, issuer_id, fetch_json):
                outcome.fail("revoked", "the issuer's status list marks it revoked")
        except (VerificationError, KeyError, ValueError, OSError) as error:
            outcome.fail("invalid", f"status: {error}")
    return outcome
