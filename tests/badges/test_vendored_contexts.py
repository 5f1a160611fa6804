import os
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMMITTED = ROOT / "static" / "badges" / "contexts"


def test_vendored_contexts_match_their_npm_packages(tmp_path):
    subprocess.run(
        ["node", str(ROOT / "badges" / "vendor_contexts.cjs")],
        cwd=ROOT,
        env={**os.environ, "CONTEXTS_OUT": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=60,
    )
    fresh = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    committed = {path.name: path.read_bytes() for path in COMMITTED.iterdir()}
    assert fresh == committed
    assert "www.w3.org_ns_credentials_v2.json" in committed
    assert "purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json" in committed
    assert "www.w3.org_ns_credentials_status_v1.json" in committed
    assert "purl.imsglobal.org_spec_ob_v3p0_extensions.json" in committed
