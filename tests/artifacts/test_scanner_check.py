"""Issue 14, finding 6: without a virus scanner, `check` warns and `check --deploy` fails, unless
the deployment says it has none on purpose (ARTIFACT_SCAN_DISABLED)."""

import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from tests.project_copy import ROOT


def ids(deploy: bool) -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=deploy)}


@pytest.mark.parametrize("deploy", [False, True])
def test_no_scanner_is_reported(deploy):
    with override_settings(CLAMD_HOST="", ARTIFACT_SCAN_DISABLED=False):
        found = ids(deploy)
    assert "artifacts.W001" in found
    assert ("artifacts.E001" in found) is deploy


@pytest.mark.parametrize(
    "configured", [{"CLAMD_HOST": "clamd.internal"}, {"ARTIFACT_SCAN_DISABLED": True}]
)
def test_a_scanner_or_a_decision_silences_it(configured):
    with override_settings(**{"CLAMD_HOST": "", "ARTIFACT_SCAN_DISABLED": False, **configured}):
        found = ids(True)
    assert not found & {"artifacts.W001", "artifacts.E001"}


def deploy_check(**extra: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}
        and k not in {"STATICFILES_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE", "CLAMD_HOST"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="mc.example.org",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_without_a_scanner_and_passes_when_none_is_on_purpose():
    refused = deploy_check()
    assert refused.returncode != 0
    assert "artifacts.E001" in refused.stdout + refused.stderr
    on_purpose = deploy_check(ARTIFACT_SCAN_DISABLED="1")
    assert on_purpose.returncode == 0, on_purpose.stdout + on_purpose.stderr
