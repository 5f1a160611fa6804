"""The Ed25519 signing keys of each issuer, kept as files under ``settings.BADGE_KEYS_DIR``.

An issuer is a district (its badges, status list and transcripts) or a state office (its
endorsements): each signs with its own keys under its own did:web DID.

Keys stay out of the database (and so out of every database dump). An issuer's directory holds
one PEM file per key, named by its key id; the newest signs, and every key stays published in the
issuer's DID document so credentials signed before a rotation keep verifying.
"""

import fcntl
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings
from django.utils import timezone

from accounts.models import District, State

from .proofs import DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT, multikey_from_public_key

# key-<UTC time to the microsecond>-<random>: names sort oldest first, so the last one signs. (Keys
# made before the microseconds were added have 14 digits; they sort before any later key.)
_KEY_FILE = re.compile(r"^(key-\d{14}(?:\d{6})?-[0-9a-f]{8})\.pem$")


class SigningKeyMissing(Exception):
    """The issuer has no signing key yet (run ``manage.py badge_keys``)."""


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return multikey_from_public_key(self.public_key)


# Who signs: a district, or a state office (its endorsements).
Issuer = District | State


def _issuer_dir(issuer: Issuer) -> Path:
    if isinstance(issuer, State):
        # A slug never starts with a dot, so a state's keys never share a district's directory.
        return Path(settings.BADGE_KEYS_DIR) / ".states" / issuer.slug
    return Path(settings.BADGE_KEYS_DIR) / issuer.slug


def issuer_did(issuer: Issuer) -> str:
    """``did:web:<host>:districts:<slug>`` (a state's: ``...:states:<slug>``); a port is
    percent-encoded as did:web requires."""
    host = urlsplit(settings.SITE_URL).netloc
    kind = "states" if isinstance(issuer, State) else "districts"
    return f"did:web:{quote(host, safe='')}:{kind}:{issuer.slug}"


def verification_method_id(issuer: Issuer, key_id: str) -> str:
    return f"{issuer_did(issuer)}#{key_id}"


def signing_keys(issuer: Issuer) -> list[SigningKey]:
    """Every key of the issuer, oldest first."""
    directory = _issuer_dir(issuer)
    if not directory.is_dir():
        return []
    keys = []
    for path in sorted(directory.iterdir()):
        match = _KEY_FILE.match(path.name)
        if match:
            private_key = load_pem_private_key(path.read_bytes(), password=None)
            if isinstance(private_key, Ed25519PrivateKey):
                keys.append(SigningKey(key_id=match.group(1), private_key=private_key))
    return keys


def current_key(issuer: Issuer) -> SigningKey:
    keys = signing_keys(issuer)
    if not keys:
        raise SigningKeyMissing(f"{issuer.name} has no badge signing key yet.")
    return keys[-1]


def _key_directory(issuer: Issuer) -> Path:
    directory = _issuer_dir(issuer)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory


def key_generate(issuer: Issuer) -> SigningKey:
    """Create a new signing key for the issuer; it signs from now on (a rotation)."""
    directory = _key_directory(issuer)
    key_id = f"key-{timezone.now():%Y%m%d%H%M%S%f}-{secrets.token_hex(4)}"
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    # Written under a name signing_keys() skips, then linked into place whole: a reader never
    # meets a half-written key, and the link (like O_EXCL) never replaces an existing file.
    partial = directory / f".{key_id}.pem.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(partial, directory / f"{key_id}.pem")
    finally:
        partial.unlink(missing_ok=True)
    return SigningKey(key_id=key_id, private_key=private_key)


def key_ensure(issuer: Issuer) -> SigningKey:
    """The issuer's current key, generating the first one if it has none.

    Two workers issuing for an issuer without a key at the same moment take turns on an
    exclusive lock of the issuer's key directory, and the second re-reads the directory and
    finds the first one's key instead of making another."""
    try:
        return current_key(issuer)
    except SigningKeyMissing:
        pass
    with open(_key_directory(issuer) / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return current_key(issuer)
        except SigningKeyMissing:
            return key_generate(issuer)


def did_document(issuer: Issuer) -> dict:
    """The DID document served at ``/districts/<slug>/did.json`` (a state's at
    ``/states/<slug>/did.json``): every key as a Multikey."""
    did = issuer_did(issuer)
    methods = [
        {
            "id": verification_method_id(issuer, key.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in signing_keys(issuer)
    ]
    method_ids = [method["id"] for method in methods]
    return {
        "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": method_ids,
        "authentication": method_ids,
    }
