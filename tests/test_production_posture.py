"""Production settings: `check --deploy` is clean, the CSP forbids inline code, and no page of
ours needs inline scripts, styles or event handlers. The deployment: every script docker compose
runs parses and does its job, and the image's static files are the ones its containers serve."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import yaml

from tests.project_copy import ROOT, bare_env, django_shell, manage, project_copy


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
        CLAMD_HOST="clamd.internal",
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


SETTINGS_READ = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps([database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"],
                  settings.SESSION_ENGINE, settings.ALLAUTH_TRUSTED_PROXY_COUNT]))
"""


def test_production_keeps_database_connections_and_reads_sessions_from_redis():
    production = bare_env(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://microcreds@db:5432/microcreds",
        REDIS_URL="redis://redis:6379/0",
    )
    assert django_shell(ROOT, SETTINGS_READ, env=production) == [
        60,
        True,
        "django.contrib.sessions.backends.cached_db",
        0,
    ]
    behind_a_proxy = {**production, "CONN_MAX_AGE": "0", "ALLAUTH_TRUSTED_PROXY_COUNT": "1"}
    assert django_shell(ROOT, SETTINGS_READ, env=behind_a_proxy)[::3] == [0, 1]
    # Without Redis the cache is one process's memory: sessions stay in the database alone.
    without_redis = {k: v for k, v in production.items() if k != "REDIS_URL"}
    assert django_shell(ROOT, SETTINGS_READ, env=without_redis)[2] == (
        "django.contrib.sessions.backends.db"
    )


def gunicorn_settings(**env: str) -> dict[str, str]:
    """What gunicorn makes of the image's CMD on a two-core machine, as `--print-config` says."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    cmd = json.loads(next(line for line in lines if line.startswith("CMD "))[4:])
    result = subprocess.run(
        [str(Path(sys.executable).parent / cmd[0]), *cmd[1:], "--print-config"],
        cwd=ROOT,
        # --print-config loads the app, whose production settings need a secret key (a fresh
        # clone has no .env saying DEBUG=1).
        env=bare_env(SECRET_KEY="print-config-only-secret-key-0123456789abcdef", **env),
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {0, 1}),
    )
    assert result.returncode == 0, result.stderr
    return dict(
        (word.strip() for word in line.split("=", 1)) for line in result.stdout.splitlines()
    )


def test_the_web_server_is_threaded_and_its_connections_fit_postgresql():
    web = load_compose()["services"]["web"]["command"]
    assert "gunicorn microcreds.wsgi:application --config gunicorn.conf.py" in web
    on_two_cores = gunicorn_settings()
    # Slow clients and kept-alive connections wait in a worker's poller, not in a worker; a
    # busy worker leaves new connections to the idle ones (tests/test_web_workers.py).
    assert on_two_cores["worker_class"] == "microcreds.workers.IdleFirstThreadWorker"
    assert on_two_cores["bind"] == "['0.0.0.0:8000']"
    assert on_two_cores["timeout"] == "60"
    # Each thread keeps a PostgreSQL connection: within half of its default max_connections
    # (100), the rest for Celery, beat and an operator's psql.
    connections = int(on_two_cores["workers"]) * int(on_two_cores["threads"])
    assert 8 <= connections <= 50
    tuned = gunicorn_settings(WEB_CONCURRENCY="2", WEB_THREADS="8", WEB_KEEPALIVE="2")
    assert (tuned["workers"], tuned["threads"], tuned["keepalive"]) == ("2", "8", "2")


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


# --- docker compose: the scripts it runs ------------------------------------------------------


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def interpolate(value: str) -> str:
    """Compose's `${NAME:-default}` with nothing set in the environment: the default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def argv(value) -> list[str]:
    # Compose splits a string entrypoint or command shell-like and runs it without a shell.
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def compose_shell_scripts(compose: dict) -> dict[str, str]:
    """Every shell script compose runs: `sh -c` entrypoints and commands, CMD-SHELL checks."""
    scripts = {}
    for name, service in compose["services"].items():
        # With an entrypoint, the command becomes its arguments.
        run = argv(service.get("entrypoint")) + argv(service.get("command"))
        if run and Path(run[0]).name in {"sh", "bash"} and "-c" in run:
            scripts[f"{name} entrypoint/command"] = run[run.index("-c") + 1]
        check = service.get("healthcheck", {}).get("test")
        if isinstance(check, list) and check[0] == "CMD-SHELL":
            scripts[f"{name} healthcheck"] = check[1]
    return scripts


def test_every_shell_script_compose_runs_parses():
    scripts = compose_shell_scripts(load_compose())
    assert {"createbucket entrypoint/command", "web entrypoint/command"} <= set(scripts)
    errors = {}
    for name, script in scripts.items():
        result = subprocess.run(["sh", "-n"], input=script, capture_output=True, text=True)
        if result.returncode != 0:
            errors[name] = result.stderr
    assert errors == {}


FAKE_MC = """#!/bin/sh
# Stands in for MinIO's client: records each call, keeps the CORS document it is given.
echo "$*" >> "$MC_LOG"
if [ "$1 $2" = "cors set" ]; then
    if [ "$4" = "-" ]; then cat > "$MC_CORS"; else cp "$4" "$MC_CORS"; fi
fi
[ "$1" != "$MC_FAIL" ]
"""


def run_createbucket(tmp_path: Path, fail: str = "") -> tuple[subprocess.CompletedProcess, list]:
    script = compose_shell_scripts(load_compose())["createbucket entrypoint/command"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "mc").write_text(FAKE_MC)
    (bin_dir / "mc").chmod(0o755)
    log = tmp_path / "mc.log"
    log.touch()
    result = subprocess.run(
        ["sh", "-c", script],
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "MC_LOG": str(log),
            "MC_CORS": str(tmp_path / "cors.xml"),
            "MC_FAIL": fail,
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result, log.read_text().splitlines()


def test_createbucket_makes_the_apps_bucket_private_with_cors_for_the_site(tmp_path):
    compose = load_compose()
    app_env = {k: interpolate(str(v)) for k, v in compose["services"]["web"]["environment"].items()}
    minio_env = compose["services"]["minio"]["environment"]
    bucket = app_env["AWS_STORAGE_BUCKET_NAME"]

    result, calls = run_createbucket(tmp_path)

    assert result.returncode == 0, result.stderr
    # The app's keys are MinIO's root credentials; the alias reaches the minio service.
    assert app_env["AWS_ACCESS_KEY_ID"] == minio_env["MINIO_ROOT_USER"]
    assert app_env["AWS_SECRET_ACCESS_KEY"] == minio_env["MINIO_ROOT_PASSWORD"]
    assert calls[0] == (
        f"alias set local http://minio:9000 {minio_env['MINIO_ROOT_USER']} "
        f"{minio_env['MINIO_ROOT_PASSWORD']}"
    )
    assert calls[1:3] == [
        f"mb --ignore-existing local/{bucket}",
        f"anonymous set none local/{bucket}",
    ]
    assert calls[3].startswith(f"cors set local/{bucket} ")
    assert len(calls) == 4
    rule = ElementTree.parse(tmp_path / "cors.xml").getroot().find("CORSRule")
    # The site's address, and the state profile's proxy in front of both web processes.
    proxy_port = compose["services"]["proxy"]["environment"]["PROXY_BIND"].rsplit(":", 1)[1]
    assert [e.text for e in rule.findall("AllowedOrigin")] == [
        app_env["SITE_URL"],
        f"http://localhost:{proxy_port}",
    ]
    assert {e.text for e in rule.findall("AllowedMethod")} >= {"GET", "POST", "PUT"}
    assert "ETag" in [e.text for e in rule.findall("ExposeHeader")]


def test_createbucket_fails_without_a_bucket_and_only_warns_without_per_bucket_cors(tmp_path):
    # A failed step must fail the service: web, worker and beat wait for its success.
    no_bucket, calls = run_createbucket(tmp_path / "mb", fail="mb")
    assert no_bucket.returncode != 0
    assert not any(call.startswith(("anonymous", "cors")) for call in calls)

    no_cors, calls = run_createbucket(tmp_path / "cors", fail="cors")
    assert no_cors.returncode == 0
    assert "CORS" in no_cors.stderr


# --- the image: static files collected the way the containers serve them ----------------------

# Services compose provides and this machine does not run; without them settings fall back to
# the embedded default, which leaves the static files storage as it is.
COMPOSE_SERVICES = {
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "EMAIL_URL",
    "BADGE_KEYS_DIR",
}

RENDER_SIGN_IN_AND_ITS_ASSETS = """
import json, re
from django.test import Client
client = Client(HTTP_HOST="localhost")
page = client.get("/accounts/login/")
assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode())
print(json.dumps([page.status_code, {url: client.get(url).status_code for url in assets}]))
"""


def dockerfile_collectstatic_env() -> dict[str, str]:
    """What the image's `collectstatic` runs with: the ENV lines, then the command's own."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env, collects = {}, False
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction == "ENV":
            env.update(word.split("=", 1) for word in shlex.split(rest))
        elif instruction == "RUN" and "collectstatic" in rest:
            words = shlex.split(next(step for step in rest.split("&&") if "collectstatic" in step))
            while "=" in words[0]:
                env.update([words.pop(0).split("=", 1)])
            assert words[:3] == ["python", "manage.py", "collectstatic"]
            collects = True
    assert collects, "the image collects no static files"
    return env


def test_image_static_files_are_collected_with_the_storage_the_containers_serve(tmp_path):
    project = project_copy(tmp_path / "image")
    web = load_compose()["services"]["web"]["environment"]
    container_env = bare_env(
        **{k: interpolate(str(v)) for k, v in web.items() if k not in COMPOSE_SERVICES}
    )

    collected = manage(
        project, "collectstatic", "--noinput", env=bare_env(**dockerfile_collectstatic_env())
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    # The web container migrates before it serves (its command), as here.
    migrated = manage(project, "migrate", "--noinput", env=container_env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    status, assets = django_shell(project, RENDER_SIGN_IN_AND_ITS_ASSETS, env=container_env)

    assert status == 200
    assert assets
    for url, asset_status in assets.items():
        # Hashed names from the manifest, served by WhiteNoise from the collected files.
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), url
        assert asset_status == 200, url


def test_the_image_leaves_the_checkouts_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", "keys", "db.sqlite3", "media", "node_modules"} <= ignored
