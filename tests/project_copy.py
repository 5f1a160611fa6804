"""A throwaway copy of this checkout, for tests that run ``manage.py`` the way a fresh clone or
the image does, with nothing in the environment but what the test sets.

``manage.py`` and the settings package are copied, so ``BASE_DIR`` is the copy: the embedded
SQLite file, ``media/``, ``keys/``, ``staticfiles/`` and ``.env`` land there, never in the
working tree. Everything else (apps, templates, static, Makefile) is linked.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What a checkout makes for itself as it runs; a fresh clone has none of it.
LOCAL_STATE = {"db.sqlite3", "media", "keys", "staticfiles", "test-results", "bench-results"}


def project_copy(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copytree(
        ROOT / "microcreds", dest / "microcreds", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(ROOT / "manage.py", dest / "manage.py")
    for entry in ROOT.iterdir():
        # Dot entries (.env, .venv, .git, caches) are local state or tooling, not the project.
        if entry.name.startswith(".") or entry.name in LOCAL_STATE:
            continue
        if not (dest / entry.name).exists():
            (dest / entry.name).symlink_to(entry)
    return dest


def bare_env(**variables: str) -> dict[str, str]:
    """No configuration at all (no DATABASE_URL, REDIS_URL, AWS_*, DEBUG...), plus ``variables``."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        **variables,
    }


def manage(project: Path, *args: str, env: dict[str, str], timeout: int = 120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def django_shell(project: Path, code: str, *, env: dict[str, str]):
    """Run ``code`` in ``manage.py shell``; it prints one JSON value last, which is returned."""
    result = manage(project, "shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
