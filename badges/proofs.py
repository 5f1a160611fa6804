"""Data Integrity proofs, cryptosuite ``eddsa-rdfc-2022``, over JSON-LD credentials.

Canonicalization is RDFC-1.0 (URDNA2015 in PyLD) with a document loader that serves only the
contexts vendored in ``static/badges/contexts`` (copied from their npm packages by
``badges/vendor_contexts.cjs``) and ``static/badges/contexts-pypi`` (CLR 2.0's, from its PyPI
package by ``badges/vendor_schema.py``): nothing is fetched at run time, and an unknown context
fails.
"""

import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from pyld import jsonld

CONTEXTS_DIR = Path(settings.BASE_DIR) / "static" / "badges" / "contexts"
CONTEXT_DIRS = (CONTEXTS_DIR, CONTEXTS_DIR.parent / "contexts-pypi")
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
_ED25519_PUB_PREFIX = b"\xed\x01"


class ContextNotVendored(Exception):
    """A credential named a JSON-LD context we do not ship; we never fetch one."""


class ProofError(Exception):
    """The proof is missing, malformed or does not match the document."""


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, rest = divmod(number, 58)
        encoded = _B58_ALPHABET[rest] + encoded
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58_ALPHABET.find(char)
        if index < 0:
            raise ValueError("Not base58btc.")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading_ones = len(text) - len(text.lstrip("1"))
    return b"\0" * leading_ones + body


def multikey_from_public_key(public_key: Ed25519PublicKey) -> str:
    """The ``publicKeyMultibase`` of a Multikey: base58btc of 0xed01 + the 32 key bytes."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58btc_encode(_ED25519_PUB_PREFIX + raw)


def public_key_from_multikey(multibase: str) -> Ed25519PublicKey:
    if not multibase.startswith("z"):
        raise ProofError("publicKeyMultibase must be base58btc (z...).")
    raw = base58btc_decode(multibase[1:])
    if not raw.startswith(_ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ProofError("Not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@cache
def _vendored_contexts() -> dict[str, Any]:
    contexts = {}
    for directory in CONTEXT_DIRS:
        index = json.loads((directory / "index.json").read_text())
        contexts.update(
            {url: json.loads((directory / name).read_text()) for url, name in index.items()}
        )
    return contexts


def vendored_document_loader(url: str, options: dict | None = None) -> dict:
    """PyLD document loader: vendored contexts only; anything else is refused.

    The ``static`` tag tells PyLD the document never changes, so it keeps the resolved and
    processed context for the life of the process (its shared LRU cache) instead of loading,
    hashing and processing every context again for each canonicalization."""
    contexts = _vendored_contexts()
    if url not in contexts:
        raise ContextNotVendored(f"The JSON-LD context {url} is not vendored.")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(contexts[url]),
        "tag": "static",
    }


def canonicalize(document: dict) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``."""
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": vendored_document_loader,
        },
    )


def _hash_data(document: dict, proof_config: dict) -> bytes:
    proof_config = {**proof_config, "@context": document["@context"]}
    proof_hash = hashlib.sha256(canonicalize(proof_config).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode()).digest()
    return proof_hash + document_hash


def sign(
    document: dict, *, private_key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict:
    """Return ``document`` with a DataIntegrityProof (eddsa-rdfc-2022, assertionMethod)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(_hash_data(unsecured, proof_config))
    return {**unsecured, "proof": {**proof_config, "proofValue": "z" + base58btc_encode(signature)}}


def verify(document: dict, *, public_key: Ed25519PublicKey) -> None:
    """Raise ProofError unless ``document``'s proof was made by ``public_key`` over it."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-rdfc-2022":
        raise ProofError("No eddsa-rdfc-2022 proof.")
    proof_value = proof.get("proofValue", "")
    if not proof_value.startswith("z"):
        raise ProofError("proofValue must be base58btc.")
    proof_config = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        public_key.verify(base58btc_decode(proof_value[1:]), _hash_data(unsecured, proof_config))
    except (InvalidSignature, ValueError) as error:
        raise ProofError("The signature does not match the credential.") from error
