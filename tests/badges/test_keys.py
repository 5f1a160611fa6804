import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import District
from badges import keys, proofs

pytestmark = pytest.mark.django_db


def test_badge_keys_command_creates_then_rotates(district, capsys):
    call_command("badge_keys", district.slug)
    first = keys.current_key(district)
    call_command("badge_keys", district.slug)
    assert keys.current_key(district).key_id == first.key_id

    call_command("badge_keys", district.slug, "--rotate")

    rotated = keys.current_key(district)
    assert rotated.key_id != first.key_id
    document = keys.did_document(district)
    ids = [method["id"] for method in document["verificationMethod"]]
    assert ids == [
        keys.verification_method_id(district, first.key_id),
        keys.verification_method_id(district, rotated.key_id),
    ]
    assert document["assertionMethod"] == ids
    assert "rotated to" in capsys.readouterr().out


def test_badge_keys_command_refuses_an_unknown_district():
    with pytest.raises(CommandError):
        call_command("badge_keys", "nowhere")


def test_keys_are_files_outside_the_database(district, badge_keys_dir):
    key = keys.key_generate(district)
    path = badge_keys_dir / district.slug / f"{key.key_id}.pem"
    assert path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert key.key_id not in json.dumps(list(District.objects.values()), default=str)


def test_multikey_round_trip(district):
    key = keys.key_generate(district)
    decoded = proofs.public_key_from_multikey(key.public_key_multibase)
    document = {"@context": [proofs.VC_V2_CONTEXT], "type": ["VerifiableCredential"]}
    signed = proofs.sign(
        document,
        private_key=key.private_key,
        verification_method="did:example:1#k",
        created="2026-01-01T00:00:00Z",
    )
    proofs.verify(signed, public_key=decoded)


def test_vendored_contexts_are_loaded_once_per_process(monkeypatch):
    document = {
        "@context": [proofs.VC_V2_CONTEXT, proofs.OB_V3_CONTEXT],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Classroom Routines",
    }
    first = proofs.canonicalize(document)
    loads: list[str] = []
    load = proofs.vendored_document_loader

    def counted(url, options=None):
        loads.append(url)
        return load(url, options)

    monkeypatch.setattr(proofs, "vendored_document_loader", counted)

    assert proofs.canonicalize(document) == first
    assert loads == []


def test_an_unvendored_context_is_refused():
    from pyld.jsonld import JsonLdError

    with pytest.raises(JsonLdError) as raised:
        proofs.canonicalize({"@context": "https://example.org/ctx.json", "name": "x"})
    assert "ContextNotVendored" in str(raised.getrepr(chain=True))
