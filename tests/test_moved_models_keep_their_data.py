"""Models that moved to apps of their own keep their rows, keys, content types and audit trail,
and the report stamp's triggers follow their renamed tables.

A database of its own is migrated the way a deployment of the earlier layout is upgraded: first
to the last migrations of that layout, where rows are written through the historical models
(with the stamp triggers that layout had on its tables), then to the latest. The rows are read
back through today's models. The suite itself runs with ``--nomigrations``: this test drives the
migrations in ``manage.py`` subprocesses.
"""

import json
import os
import uuid
from urllib.parse import quote

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings

from reports.stamps import WATCHED
from tests.project_copy import ROOT, django_shell, manage

# The last migration of each app before artifacts, notifications and programs had apps of their
# own (Artifact and ArtifactAccess were in submissions, Notification in reviews, the cycles and
# rules in reports).
EARLIER_LAYOUT = [
    ("accounts", "0003_user_user_district_name"),
    ("credentials", "0002_proposal_decided"),
    ("submissions", "0003_submission_district_status_decided"),
    ("reviews", "0001_initial"),
    ("badges", "0001_initial"),
    ("reports", "0002_report_stamp"),
]
MOVED = {
    "submissions.artifact": "artifacts.artifact",
    "submissions.artifactaccess": "artifacts.artifactaccess",
    "reviews.notification": "notifications.notification",
    "reports.programcycle": "programs.programcycle",
    "reports.creditrule": "programs.creditrule",
    "reports.renewalrule": "programs.renewalrule",
}

MIGRATE_TO_EARLIER_LAYOUT = """
from django.core.management import call_command
for app, migration in %(layout)r:
    call_command("migrate", app, migration, interactive=False, verbosity=0)
print("null")
"""

# Rows of every moved model, with their parents, through the models of the earlier layout.
WRITE_EARLIER_ROWS = """
import datetime as dt, json
from decimal import Decimal
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from reports.stamps import install_triggers

get = MigrationLoader(connection).project_state(%(layout)r).apps.get_model
district = get("accounts", "District").objects.create(name="Old Layout USD", slug="old-layout")
teacher = get("accounts", "User").objects.create(
    email="teacher@old.example.org", password="!", district=district, is_educator=True
)
entry = get("credentials", "MicroCredential").objects.create(
    district=district, title="Routines", competency="Teaches routines.", status="published"
)
plan = get("submissions", "Plan").objects.create(
    district=district, microcredential=entry, lead=teacher, title="Smooth transitions"
)
submission = get("submissions", "Submission").objects.create(
    district=district, plan=plan, educator=teacher, status="submitted_for_review"
)
attempt = get("submissions", "Attempt").objects.create(submission=submission, number=1)
Artifact = get("submissions", "Artifact")
first = Artifact.objects.create(
    district=district, submission=submission, attempt=attempt, kind="file",
    title="Transition times", storage_key="districts/1/plans/1/artifacts/a/times.png",
    original_name="times.png", content_type="image/png", size=2048, sha256="ab" * 32,
    status="accepted", uploaded_by=teacher,
    confirmed_no_identifying_info=True, confirmed_consent_on_file=True,
)
second = Artifact.objects.create(
    district=district, submission=submission, kind="link", title="Timing log",
    url="https://docs.example.org/log", status="accepted", replaces=first, uploaded_by=teacher,
)
access = get("submissions", "ArtifactAccess").objects.create(
    artifact=first, district=district, user=teacher, ip_address="192.0.2.7", purpose="thumbnail"
)
note = get("reviews", "Notification").objects.create(
    district=district, recipient=teacher, kind="decision", title="Plan decision: Approve",
    body="Approved.", url="/reviews/feedback/1/", event_key="decided:1",
)
cycle = get("reports", "ProgramCycle").objects.create(
    district=district, name="Spring 2026", starts_on=dt.date(2026, 1, 5),
    ends_on=dt.date(2026, 5, 22), plan_deadline=dt.date(2026, 2, 15),
)
credit = get("reports", "CreditRule").objects.create(
    district=district, scope="rigor", rigor=2, effective_from=dt.date(2025, 8, 1),
    salary_amount=Decimal("250.00"), note="Level 2",
)
renewal = get("reports", "RenewalRule").objects.create(
    district=district, name="Renewal", required_count=2, window_cycles=3, first_cycle=cycle,
    effective_from=dt.date(2026, 1, 1),
)
rows = {
    "submissions.artifact": first, "submissions.artifactaccess": access,
    "reviews.notification": note, "reports.programcycle": cycle,
    "reports.creditrule": credit, "reports.renewalrule": renewal,
}
AuditEvent = get("accounts", "AuditEvent")
for label, row in rows.items():
    AuditEvent.objects.create(
        district=district, action="earlier", target_type=label, target_id=row.pk
    )
ContentType = get("contenttypes", "ContentType")
content_types = {
    label: ContentType.objects.get_by_natural_key(*label.split(".")).pk for label in rows
}
permission = get("auth", "Permission").objects.get(
    content_type_id=content_types["submissions.artifact"], codename="view_artifact"
)
# The stamp triggers the earlier release installed on the rules' tables, under their names.
with connection.cursor() as cursor:
    for table in ("reports_programcycle", "reports_creditrule", "reports_renewalrule"):
        install_triggers(cursor, table=table, kind="district", columns=None)
print(json.dumps({
    "district": district.pk, "teacher": teacher.pk, "submission": submission.pk,
    "attempt": attempt.pk, "artifact": first.pk, "replacement": second.pk,
    "uuid": str(first.uuid), "access": access.pk, "notification": note.pk, "cycle": cycle.pk,
    "credit": credit.pk, "renewal": renewal.pk, "permission": permission.pk,
    "content_types": content_types,
}))
"""

# The same rows through today's models, and the stamp moved by a change to a rule.
READ_TODAYS_ROWS = """
import datetime as dt, json
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from accounts.models import AuditEvent
from artifacts.models import Artifact, ArtifactAccess
from notifications.models import Notification
from programs.models import CreditRule, ProgramCycle, RenewalRule
from reports.models import ReportStamp

earlier = json.loads(%(earlier)r)
first = Artifact.objects.select_related("submission", "attempt", "uploaded_by").get(
    pk=earlier["artifact"]
)
second = Artifact.objects.get(pk=earlier["replacement"])
access = ArtifactAccess.objects.get(pk=earlier["access"])
note = Notification.objects.select_related("recipient").get(pk=earlier["notification"])
cycle = ProgramCycle.objects.get(pk=earlier["cycle"])
credit = CreditRule.objects.get(pk=earlier["credit"])
renewal = RenewalRule.objects.select_related("first_cycle").get(pk=earlier["renewal"])
models = {
    "artifacts.artifact": Artifact, "artifacts.artifactaccess": ArtifactAccess,
    "notifications.notification": Notification, "programs.programcycle": ProgramCycle,
    "programs.creditrule": CreditRule, "programs.renewalrule": RenewalRule,
}


def stamp():
    row = ReportStamp.objects.filter(district_id=earlier["district"]).first()
    return row.version if row else 0


before = stamp()
ProgramCycle.objects.create(
    district_id=earlier["district"], name="Fall 2026", starts_on=dt.date(2026, 8, 17),
    ends_on=dt.date(2026, 12, 18),
)
after_insert = stamp()
CreditRule.objects.filter(pk=credit.pk).update(note="Level 2, revised")
after_update = stamp()
print(json.dumps({
    "artifact": [
        first.uuid.hex, first.title, first.storage_key, first.size, first.status,
        first.submission.pk, first.attempt.pk, first.uploaded_by.pk,
    ],
    "replacement": [second.replaces_id, list(first.replaced_by.values_list("pk", flat=True))],
    "access": [access.artifact_id, access.user_id, access.ip_address, access.purpose],
    "accesses_of_artifact": list(first.accesses.values_list("pk", flat=True)),
    "notification": [note.recipient.pk, note.kind, note.title, note.event_key, note.url],
    "notifications_of_teacher": list(
        note.recipient.notifications.values_list("pk", flat=True)
    ),
    "cycle": [cycle.name, str(cycle.starts_on), str(cycle.ends_on), str(cycle.plan_deadline)],
    "credit": [credit.scope, credit.rigor, str(credit.salary_amount), credit.note],
    "renewal": [renewal.first_cycle.pk, renewal.required_count, renewal.window_cycles],
    "content_types": {
        label: ContentType.objects.get_for_model(model).pk for label, model in models.items()
    },
    "permission": Permission.objects.get(pk=earlier["permission"]).content_type.app_label,
    "audit": sorted(
        AuditEvent.objects.filter(action="earlier").values_list("target_type", flat=True)
    ),
    "stamps": [before, after_insert, after_update],
}))
"""

MIGRATE_BACK = """
from django.core.management import call_command
for app in ("artifacts", "notifications", "programs"):
    call_command("migrate", app, "zero", interactive=False, verbosity=0)
print("null")
"""


@pytest.fixture
def database_url():
    """A PostgreSQL database of this test's own on the test server, dropped at the end."""
    db = settings.DATABASES["default"]
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    name = f"mc_moves_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    try:
        yield (
            f"postgres://{quote(server['user'], safe='')}{password}@{server['host']}:"
            f"{server['port']}/{name}",
            psycopg2.connect(dbname=name, **server),
        )
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def query(connection, sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    connection.commit()
    return rows


def stamp_triggers(connection, table: str) -> set[str]:
    rows = query(
        connection,
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
        "AND tgname LIKE 'reports\\_stamp\\_%%'",
        [table],
    )
    return {name for (name,) in rows}


def foreign_key_target(connection, table: str, column: str) -> str:
    [(target,)] = query(
        connection,
        "SELECT c.confrelid::regclass::text FROM pg_constraint c JOIN pg_attribute a "
        "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = %s",
        [table, column],
    )
    return target


def test_moved_models_keep_their_rows_keys_content_types_and_stamp_triggers(database_url):
    url, connection = database_url
    env = {**os.environ, "DATABASE_URL": url}

    django_shell(ROOT, MIGRATE_TO_EARLIER_LAYOUT % {"layout": EARLIER_LAYOUT}, env=env)
    earlier = django_shell(ROOT, WRITE_EARLIER_ROWS % {"layout": EARLIER_LAYOUT}, env=env)
    assert stamp_triggers(connection, "reports_programcycle") == {
        "reports_stamp_reports_programcycle"
    }

    migrated = manage(ROOT, "migrate", "--noinput", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]

    today = django_shell(ROOT, READ_TODAYS_ROWS % {"earlier": json.dumps(earlier)}, env=env)
    assert today["artifact"] == [
        uuid.UUID(earlier["uuid"]).hex,
        "Transition times",
        "districts/1/plans/1/artifacts/a/times.png",
        2048,
        "accepted",
        earlier["submission"],
        earlier["attempt"],
        earlier["teacher"],
    ]
    assert today["replacement"] == [earlier["artifact"], [earlier["replacement"]]]
    assert today["access"] == [earlier["artifact"], earlier["teacher"], "192.0.2.7", "thumbnail"]
    assert today["accesses_of_artifact"] == [earlier["access"]]
    assert today["notification"] == [
        earlier["teacher"],
        "decision",
        "Plan decision: Approve",
        "decided:1",
        "/reviews/feedback/1/",
    ]
    assert today["notifications_of_teacher"] == [earlier["notification"]]
    assert today["cycle"] == ["Spring 2026", "2026-01-05", "2026-05-22", "2026-02-15"]
    assert today["credit"] == ["rigor", 2, "250.00", "Level 2"]
    assert today["renewal"] == [earlier["cycle"], 2, 3]
    # The content types moved rather than were made anew: permissions and history stay theirs.
    assert today["content_types"] == {
        new: earlier["content_types"][old] for old, new in MOVED.items()
    }
    assert today["permission"] == "artifacts"
    assert today["audit"] == sorted(MOVED.values())

    # The tables took their apps' names; their keys point at the renamed tables.
    for old, new in MOVED.items():
        assert query(connection, "SELECT to_regclass(%s)::text", [old.replace(".", "_")]) == [
            (None,)
        ]
        assert query(connection, "SELECT to_regclass(%s)::text", [new.replace(".", "_")]) == [
            (new.replace(".", "_"),)
        ]
    assert foreign_key_target(connection, "artifacts_artifactaccess", "artifact_id") == (
        "artifacts_artifact"
    )
    assert foreign_key_target(connection, "artifacts_artifact", "replaces_id") == (
        "artifacts_artifact"
    )
    assert foreign_key_target(connection, "artifacts_artifact", "submission_id") == (
        "submissions_submission"
    )
    assert foreign_key_target(connection, "programs_renewalrule", "first_cycle_id") == (
        "programs_programcycle"
    )
    assert foreign_key_target(connection, "notifications_notification", "recipient_id") == (
        "accounts_user"
    )

    # One set of stamp triggers on every watched table, under its name of today, and they fire.
    for app_label, model_name, _kind, columns in WATCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        expected = {f"reports_stamp_{table}"} | (
            {f"reports_stamp_{table}_update"} if columns else set()
        )
        assert stamp_triggers(connection, table) == expected, table
    before, after_insert, after_update = today["stamps"]
    assert before < after_insert < after_update

    check = manage(ROOT, "makemigrations", "--check", "--dry-run", env=env)
    assert check.returncode == 0, check.stdout + check.stderr

    # And back: the earlier layout gets its tables, rows and content types again.
    django_shell(ROOT, MIGRATE_BACK, env=env)
    assert query(connection, "SELECT title FROM submissions_artifact ORDER BY id") == [
        ("Transition times",),
        ("Timing log",),
    ]
    assert query(connection, "SELECT event_key FROM reviews_notification") == [("decided:1",)]
    assert query(connection, "SELECT count(*) FROM reports_programcycle") == [(2,)]
    assert query(
        connection,
        "SELECT app_label FROM django_content_type WHERE id = %s",
        [earlier["content_types"]["submissions.artifact"]],
    ) == [("submissions",)]
