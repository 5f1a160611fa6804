"""A fresh clone on the embedded default (what `make run` serves: SQLite, local files, tasks in
process): the README's demo logins land on their dashboards; every model change has its
migration; the `.env` that `make run` writes lets a newcomer type `manage.py` commands."""

import re
import subprocess

import pytest

from accounts.management.commands.seed_demo import DEMO_LOGINS
from tests.project_copy import ROOT, bare_env, django_shell, manage, project_copy

# Where each demo login lands, and the heading it reads there.
DEMO_LANDINGS = {
    "educator@example.org": ("submissions:dashboard", "My micro-credential plans"),
    "reviewer@example.org": ("reviews:queue", "Review queue"),
    "admin@example.org": ("people:admin_dashboard", "Prairie View Unified School District"),
}

SIGN_IN = """
import json, re
from django.test import Client
landed = {}
for email in %(emails)r:
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post(
        "/accounts/login/", {"login": email, "password": %(password)r}, follow=True
    )
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    landed[email] = [
        response.status_code,
        response.resolver_match.view_name,
        heading and heading.group(1).strip(),
    ]
print(json.dumps(landed))
"""

# Four people save at once (say, evidence files uploaded together), each transaction reading
# before it writes: on SQLite's defaults three of the four failed with "database is locked".
WRITERS_AT_ONCE = """
import json, threading, time
from django.db import connection, transaction
from accounts.models import User
errors = []
def write(n):
    try:
        with transaction.atomic():
            list(User.objects.all()[:1])
            time.sleep(0.3)
            User.objects.filter(email="educator@example.org").update(first_name="Elena")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()
threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(errors))
"""


def readme_demo_password() -> str:
    readme = (ROOT / "README.md").read_text()
    for email, _ in DEMO_LOGINS:
        assert email in readme
    return re.search(r"password `([^`]+)`", readme).group(1)


def test_every_model_change_has_its_migration():
    # The suite builds its database from the models (--nomigrations); `make run` and the web
    # container build theirs from the migrations, so a missing one only shows up there.
    result = manage(ROOT, "makemigrations", "--check", "--dry-run", env=bare_env(DEBUG="1"))
    assert result.returncode == 0, "models changed without a migration:\n" + result.stdout


@pytest.mark.integration
def test_demo_logins_land_on_their_dashboards_on_the_embedded_default(tmp_path):
    project = project_copy(tmp_path / "clone")
    env = bare_env(DEBUG="1")
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = manage(project, *command, env=env, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
    seeded = result
    # The embedded default keeps its data beside manage.py: the SQLite file and local files.
    assert (project / "db.sqlite3").is_file()
    assert any(path.is_file() for path in (project / "media").rglob("*"))

    code = SIGN_IN % {"emails": list(DEMO_LANDINGS), "password": readme_demo_password()}
    landed = django_shell(project, code, env=env)

    assert landed == {
        email: [200, view_name, heading] for email, (view_name, heading) in DEMO_LANDINGS.items()
    }
    assert django_shell(project, WRITERS_AT_ONCE, env=env) == []

    # A quiet seeding: no e-mail printed (only counted), no task log; the logins come last.
    lines = seeded.stdout.strip().splitlines()
    assert len(lines) <= 12, seeded.stdout[:3000]
    assert "Subject:" not in seeded.stdout and "Task " not in seeded.stderr
    sent = re.search(r"(\d+) e-mail messages “sent” while seeding", seeded.stdout)
    assert sent and int(sent.group(1)) > 0
    banner = lines[-len(DEMO_LOGINS) - 1 :]
    assert banner[0].startswith("Sign in at ") and readme_demo_password() in banner[0]
    assert [line.split()[0] for line in banner[1:]] == [email for email, _ in DEMO_LOGINS]


def make(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", *args], cwd=project, capture_output=True, text=True, timeout=60, check=True
    )


def test_make_install_and_run_write_a_development_env_file_once(tmp_path):
    project = project_copy(tmp_path / "clone")
    for target in ("install", "run"):
        assert "> .env" in make(project, "-n", target).stdout

    make(project, ".env")
    assert (project / ".env").read_text() == "DEBUG=1\n"

    (project / ".env").write_text("DEBUG=0\nSECRET_KEY=the-newcomer-s-own\n")
    make(project, ".env")
    assert (project / ".env").read_text() == "DEBUG=0\nSECRET_KEY=the-newcomer-s-own\n"
    assert "> .env" not in make(project, "-n", "install").stdout


def test_env_file_lets_manage_py_run_and_the_environment_still_wins(tmp_path):
    project = project_copy(tmp_path / "clone")
    before = manage(project, "check", env=bare_env())
    assert before.returncode != 0
    assert "SECRET_KEY" in before.stderr

    make(project, ".env")
    assert manage(project, "check", env=bare_env()).returncode == 0

    production = manage(project, "check", env=bare_env(DEBUG="0"))
    assert production.returncode != 0
    assert "SECRET_KEY" in production.stderr
