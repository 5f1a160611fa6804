"""A real Celery worker killed with SIGKILL in the middle of issuance: once the task is
redelivered, there is exactly one award and one certificate; issuing again makes nothing new."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from badges.models import Award
from badges.tasks import issue_award
from microcreds.celery import app
from tests.badges.factories import earned_submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
VISIBILITY_TIMEOUT = 3


def worker_env(s3_storage, keys_dir) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        # Look for abandoned tasks every second (kombu's default is every 100 s).
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "BADGE_KEYS_DIR": str(keys_dir),
        "AWS_STORAGE_BUCKET_NAME": s3_storage["bucket"],
        "AWS_S3_ENDPOINT_URL": s3_storage["endpoint"],
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "EMAIL_URL": "dummymail://",
    }


def start_worker(env: dict, name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "microcreds",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker's main process and its pool children at once."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(predicate, timeout: float, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s")


def stored_objects(s3_storage, prefix: str) -> list[str]:
    listing = s3_storage["client"].list_objects_v2(Bucket=s3_storage["bucket"], Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def certificates(s3_storage, prefix: str) -> list[str]:
    paginator = s3_storage["client"].get_paginator("list_objects_v2")
    return [
        item["Key"]
        for page in paginator.paginate(Bucket=s3_storage["bucket"], Prefix=prefix)
        for item in page.get("Contents", [])
        if item["Key"].endswith(".pdf")
    ]


@pytest.fixture
def broker():
    """A clean queue on this suite's Redis database, and tasks sent for real."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    options = app.conf.broker_transport_options
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**options, "visibility_timeout": VISIBILITY_TIMEOUT}
    yield
    app.conf.task_always_eager = True
    app.conf.broker_transport_options = options


def test_worker_killed_during_issuance_leaves_one_award(
    educator, s3_storage, badge_keys_dir, broker, tmp_path
):
    submission = earned_submission(educator=educator)
    district_prefix = f"badges/{educator.district.slug}/"
    # The bucket lives for the whole test session: earlier tests left certificates in it.
    certificates_before = set(certificates(s3_storage, district_prefix))
    env = worker_env(s3_storage, badge_keys_dir)
    first = start_worker(env, "doomed", tmp_path / "doomed.log")
    try:
        task_id = issue_award.delay(submission.pk).id
        # The award row is committed before the certificate is rendered: kill right then.
        wait_for(lambda: Award.objects.filter(submission=submission).exists(), timeout=90)
        kill_worker(first)
    finally:
        if first.poll() is None:
            kill_worker(first)
    award = Award.objects.get(submission=submission)
    assert award.state == Award.State.PREPARING, "the worker finished before it was killed"

    second = start_worker(env, "survivor", tmp_path / "survivor.log")
    try:
        wait_for(
            lambda: Award.objects.filter(pk=award.pk, state=Award.State.ISSUED).exists(),
            timeout=120,
            interval=0.2,
        )
        prefix = f"badges/{educator.district.slug}/{award.uuid}/"
        files = stored_objects(s3_storage, prefix)
        assert Award.objects.filter(submission=submission).count() == 1
        assert files == [
            f"{prefix}badge-ob2.png",
            f"{prefix}badge.png",
            f"{prefix}badge.svg",
            f"{prefix}certificate.pdf",
        ]
        credential = Award.objects.get(pk=award.pk).credential
        # The very message the killed worker held was redelivered to the new one.
        survivor_log = tmp_path / "survivor.log"
        wait_for(
            lambda: f"issue_award[{task_id}] succeeded" in survivor_log.read_text(),
            timeout=30,
            interval=0.1,
        )

        # Issuing twice makes nothing new. (Polled rather than joined: an eager task run by the
        # live server's threads earlier in the session can leave Celery's process-wide "join
        # would block" flag set, which makes ``.get()`` refuse outside any task.)
        again = issue_award.delay(submission.pk)
        wait_for(again.ready, timeout=60, interval=0.1)
        assert again.successful(), again.traceback

        assert Award.objects.filter(submission=submission).count() == 1
        assert stored_objects(s3_storage, prefix) == files
        assert Award.objects.get(pk=award.pk).credential == credential
        new_certificates = set(certificates(s3_storage, district_prefix)) - certificates_before
        assert new_certificates == {f"{prefix}certificate.pdf"}
    finally:
        kill_worker(second)
