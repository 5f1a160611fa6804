"""Production settings: `check --deploy` is clean, the CSP forbids inline code, and no page of
ours needs inline scripts, styles or event handlers."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_nothing_with_debug_off():
    env = {
        k: v
        for k, v in os.environ.items()
        # The test run's own relaxations are not part of a deployment.
        if k
        not in {
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "STATICFILES_BACKEND",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="mc.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_in_production():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)
EXTERNAL_ASSET = re.compile(r"(src|href)=\"(https?:)?//(?!{{)", re.I)


def test_no_template_needs_inline_code_or_a_cdn():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        name = template.relative_to(ROOT)
        # Certificates are rendered by WeasyPrint, not a browser: their styles stay in the file.
        if "certificate" in template.name or "/pdf/" in str(name):
            continue
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER, EXTERNAL_ASSET):
            for match in pattern.finditer(text):
                if 'type="application/json"' in match.group(0):
                    continue
                offenders.append(f"{name}: {match.group(0)}")
    assert offenders == []


def test_docker_compose_runs_the_full_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) >= {
        "postgres",
        "redis",
        "minio",
        "createbucket",
        "mailpit",
        "web",
        "worker",
        "beat",
    }
    assert "celery -A microcreds worker" in compose["services"]["worker"]["command"]
    assert "celery -A microcreds beat" in compose["services"]["beat"]["command"]
    assert "gunicorn" in compose["services"]["web"]["command"]
