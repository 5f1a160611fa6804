"""The OB 3.0 and CLR 2.0 JSON schemas we validate against are 1EdTech's own: the OB 3.0
achievement one byte for byte as a PyPI package ships it, the OB 3.0 endorsement and CLR 2.0 ones
as two repositories vendor each, pinned by hash (badges/vendor_schema.py); not ours posing as
them."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from badges import vendor_schema
from badges.open_badges import OB3_ENDORSEMENT_SCHEMA_URL, OB3_SCHEMA_URL

ROOT = Path(settings.BASE_DIR)
COMMITTED = ROOT / "static" / "badges" / "schema"
COMMITTED_CONTEXTS = ROOT / "static" / "badges" / "contexts-pypi"


def test_vendored_schema_and_clr_context_match_their_pypi_package(tmp_path):
    schema_out, contexts_out = tmp_path / "schema", tmp_path / "contexts"
    subprocess.run(
        [sys.executable, "-m", "badges.vendor_schema"],
        cwd=ROOT,
        env={**os.environ, "SCHEMA_OUT": str(schema_out), "CONTEXTS_OUT": str(contexts_out)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    for fresh_dir, committed_dir in ((schema_out, COMMITTED), (contexts_out, COMMITTED_CONTEXTS)):
        fresh = {path.name: path.read_bytes() for path in fresh_dir.iterdir()}
        committed = {
            path.name: (committed_dir / path.name).read_bytes() for path in fresh_dir.iterdir()
        }
        assert fresh == committed
    # Nothing else in the folder but the CLR and endorsement schemas, each pinned by its own hash
    # (below).
    assert {path.name for path in COMMITTED.iterdir()} == {
        vendor_schema.SCHEMA_NAME,
        vendor_schema.CLR_SCHEMA_NAME,
        vendor_schema.ENDORSEMENT_SCHEMA_NAME,
    }
    assert {path.name for path in COMMITTED_CONTEXTS.iterdir()} == set(
        path.name for path in contexts_out.iterdir()
    )


def test_vendored_schema_is_1edtechs_at_the_url_verifiers_pick():
    schema = json.loads((COMMITTED / "ob_v3p0_achievementcredential_schema.json").read_text())
    assert schema["$id"] == OB3_SCHEMA_URL
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"


def test_vendored_clr_schema_is_the_pinned_copy_of_1edtechs():
    content = (COMMITTED / vendor_schema.CLR_SCHEMA_NAME).read_bytes()

    assert hashlib.sha256(content).hexdigest() == vendor_schema.CLR_SCHEMA_SHA256
    schema = json.loads(content)
    assert schema["$id"] == vendor_schema.CLR_SCHEMA_URL
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    # Self-contained: a validator needs no other file (nor the network) to use it.
    refs = [ref for ref in _refs(schema) if not ref.startswith("#/$defs/")]
    assert refs == []


def test_vendored_endorsement_schema_is_the_pinned_copy_of_1edtechs():
    content = (COMMITTED / vendor_schema.ENDORSEMENT_SCHEMA_NAME).read_bytes()

    assert hashlib.sha256(content).hexdigest() == vendor_schema.ENDORSEMENT_SCHEMA_SHA256
    schema = json.loads(content)
    assert schema["$id"] == OB3_ENDORSEMENT_SCHEMA_URL
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    # Self-contained: every $ref names one of its own $defs.
    refs = set(_refs(schema))
    assert refs <= {f"#/$defs/{name}" for name in schema["$defs"]}


def test_the_endorsement_schema_defines_an_endorsement_as_the_achievement_schema_does():
    """Two files from 1EdTech, one class: an award's embedded endorsements and a standalone one
    are held to the same rules."""
    endorsement = json.loads((COMMITTED / vendor_schema.ENDORSEMENT_SCHEMA_NAME).read_text())
    achievement = json.loads((COMMITTED / vendor_schema.SCHEMA_NAME).read_text())

    top_level = {
        key: value
        for key, value in endorsement.items()
        if key not in {"$schema", "$id", "title", "$defs"}
    }
    assert top_level == achievement["$defs"]["EndorsementCredential"]
    for name, definition in endorsement["$defs"].items():
        assert definition == achievement["$defs"][name], name


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []
