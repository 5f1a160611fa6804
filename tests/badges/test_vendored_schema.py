"""The OB 3.0 JSON schema we validate against is 1EdTech's own, byte for byte as a PyPI
package ships it (badges/vendor_schema.py), not one of ours posing as it."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from badges.open_badges import OB3_SCHEMA_URL

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
        committed = {path.name: path.read_bytes() for path in committed_dir.iterdir()}
        assert fresh == committed


def test_vendored_schema_is_1edtechs_at_the_url_verifiers_pick():
    schema = json.loads((COMMITTED / "ob_v3p0_achievementcredential_schema.json").read_text())
    assert schema["$id"] == OB3_SCHEMA_URL
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
