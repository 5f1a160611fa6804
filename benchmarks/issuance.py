"""Award issuance: one award end to end against a bare WeasyPrint render of the same certificate,
and certificates per minute with two worker processes against one.

Runs on its own throw-away database (created without migrations, destroyed at the end), local
file storage and key directory in a temporary folder, and real ``celery worker`` processes on
the configured Redis broker.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import (
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone

ROUNDS = 5
TASKS_PER_WORKER_RUN = 12


def run() -> list[tuple[str, str]]:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    scratch = Path(tempfile.mkdtemp(prefix="bench-issuance-"))
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(scratch / "media"), "base_url": "/media/"},
        },
    }
    override = override_settings(
        BADGE_KEYS_DIR=scratch / "keys",
        STORAGES=storages,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER=True,
    )
    override.enable()
    try:
        return _measure(scratch)
    finally:
        override.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(scratch, ignore_errors=True)


def _world():
    from accounts.models import District, User
    from credentials.models import MicroCredential, Rubric, RubricCriterion, Stack

    district = District.objects.create(
        name="Bench USD", slug="bench", signatory_name="Dr. A. Reyes", signatory_title="Supt."
    )
    stack = Stack.objects.create(district=district, name="Classroom", color="#2a6f4e")
    microcredential = MicroCredential.objects.create(
        district=district,
        title="Classroom Routines",
        competency="The educator teaches, models and reinforces classroom routines.",
        submission_guidelines="A plan, evidence of impact and a reflection.",
        status=MicroCredential.Status.PUBLISHED,
        estimated_hours=15,
        pd_points=1.5,
        stack=stack,
    )
    rubric = Rubric.objects.create(microcredential=microcredential)
    for position in range(3):
        RubricCriterion.objects.create(rubric=rubric, position=position, title=f"C{position}")
    educator = User.objects.create_user(
        email="bench@example.org", first_name="Elena", last_name="Martinez", district=district
    )
    educator.is_educator = True
    educator.save()
    return district, educator, microcredential


def _earned(district, educator, microcredential, count: int) -> list[int]:
    from submissions.models import Plan, Submission

    ids = []
    for _ in range(count):
        plan = Plan.objects.create(
            district=district, microcredential=microcredential, lead=educator, title="Plan"
        )
        submission = Submission.objects.create(
            district=district,
            plan=plan,
            educator=educator,
            status=Submission.Status.EARNED,
            decided_at=timezone.now(),
        )
        ids.append(submission.pk)
    return ids


def _worker(env: dict, concurrency: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "microcreds",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"The worker did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    return process


def _certificates_per_minute(env, concurrency, ids, scratch) -> float:
    from badges.models import Award
    from badges.tasks import issue_award
    from microcreds.celery import app

    worker = _worker(env, concurrency, scratch / f"worker-{concurrency}.log")
    app.conf.task_always_eager = False
    try:
        started = time.perf_counter()
        for submission_id in ids:
            issue_award.delay(submission_id)
        deadline = time.monotonic() + 600
        while Award.objects.filter(submission_id__in=ids, state=Award.State.ISSUED).count() < len(
            ids
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("Issuance did not finish within 10 minutes.")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        app.conf.task_always_eager = True
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    return len(ids) / elapsed * 60


def _measure(scratch: Path) -> list[tuple[str, str]]:
    from badges import certificates, keys
    from badges.services import award_issue_for_submission

    district, educator, microcredential = _world()
    keys.key_ensure(district)

    # Warm up imports, fonts and the context cache once, outside the timings.
    warm = award_issue_for_submission(
        submission_id=_earned(district, educator, microcredential, 1)[0]
    )
    html = certificates.certificate_html(warm)
    certificates.render_pdf(html)

    issuance_times, render_times = [], []
    for submission_id in _earned(district, educator, microcredential, ROUNDS):
        started = time.perf_counter()
        award = award_issue_for_submission(submission_id=submission_id)
        issuance_times.append(time.perf_counter() - started)
        html = certificates.certificate_html(award)
        started = time.perf_counter()
        certificates.render_pdf(html)
        render_times.append(time.perf_counter() - started)
    issuance = statistics.median(issuance_times)
    render = statistics.median(render_times)

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "BADGE_KEYS_DIR": str(scratch / "keys"),
        "MEDIA_ROOT": str(scratch / "media"),
        "AWS_STORAGE_BUCKET_NAME": "",
        "EMAIL_URL": "dummymail://",
    }
    one = _certificates_per_minute(
        env, 1, _earned(district, educator, microcredential, TASKS_PER_WORKER_RUN), scratch
    )
    two = _certificates_per_minute(
        env, 2, _earned(district, educator, microcredential, TASKS_PER_WORKER_RUN), scratch
    )
    return [
        ("issuance of one award, end to end (median)", f"{issuance * 1000:.0f} ms"),
        ("bare WeasyPrint render of the same certificate (median)", f"{render * 1000:.0f} ms"),
        ("issuance / bare render (goal <= 1.5x)", f"{issuance / render:.2f}x"),
        ("certificates per minute, 1 worker process", f"{one:.1f}"),
        ("certificates per minute, 2 worker processes", f"{two:.1f}"),
        ("2 workers / 1 worker (goal >= 1.8x)", f"{two / one:.2f}x"),
        ("CPU cores on this machine", str(os.cpu_count())),
        ("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}"),
    ]
