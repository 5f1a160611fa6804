"""Copy 1EdTech's official Open Badges 3.0 AchievementCredential JSON schema out of the PyPI
package that ships it, into static/badges/schema/.

1EdTech publishes the schema only at its purl address, which this build cannot reach; no npm
package ships it. The source distribution of ``openbadgeslib`` carries a verbatim copy of it
(``tests/fixtures/ob_schemas/``, "taken verbatim from the canonical schema directory"), so we
take it from there, pinned by version and by the sdist's SHA-256.

Run: ``.venv/bin/python -m badges.vendor_schema`` (uses pip; nothing is fetched at run time).
``SCHEMA_OUT=<dir>`` writes elsewhere (the test suite checks the committed copy still matches).
"""

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


def schema_bytes(sdist: Path) -> bytes:
    with tarfile.open(sdist, "r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise FileNotFoundError(f"{MEMBER} is not in {sdist.name}")
        return member.read()


def main() -> None:
    out = Path(os.environ.get("SCHEMA_OUT") or DEFAULT_OUT)
    with tempfile.TemporaryDirectory() as scratch:
        content = schema_bytes(download_sdist(Path(scratch)))
    out.mkdir(parents=True, exist_ok=True)
    (out / SCHEMA_NAME).write_bytes(content)
    print(f"{SCHEMA_NAME} ({len(content)} bytes) written to {out}")


if __name__ == "__main__":
    main()
