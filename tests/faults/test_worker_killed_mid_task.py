"""A Celery worker killed with SIGKILL in the middle of a task, then another worker: the task is
redelivered and finishes once, leaving nothing half-written. Issuance has its own test
(tests/badges/test_worker_killed.py); these are the artifact check and the exports."""

import io
import signal
import time

import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from accounts.models import AuditEvent, User
from artifacts import storage
from artifacts.models import Artifact
from artifacts.services import (
    ArtifactDetails,
    accepted_key,
    artifact_check,
    artifact_upload_finish,
    artifact_upload_start,
)
from microcreds.celery import app
from reports.models import ExportJob
from reports.scale import seed_scale
from reports.services import export_job_create
from submissions.models import Submission
from tests.artifacts.conftest import png_bytes
from tests.submissions.factories import SubmissionFactory

from .processes import app_env, start_worker, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 3
REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


@pytest.fixture
def broker():
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    options = app.conf.broker_transport_options
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**options, "visibility_timeout": VISIBILITY_TIMEOUT}
    yield
    app.conf.task_always_eager = True
    app.conf.broker_transport_options = options


def kill(worker) -> None:
    stop(worker, signal.SIGKILL)


def uploaded(educator, name: str, data: bytes) -> Artifact:
    """A file announced, stored in quarantine as the browser would, not finished yet."""
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    artifact, _ = artifact_upload_start(
        submission=submission,
        actor=educator,
        file_name=name,
        size=len(data),
        details=ArtifactDetails(
            title=name, confirmed_no_identifying_info=True, confirmed_consent_on_file=True
        ),
    )
    storage.put(key=artifact.storage_key, data=data, content_type=storage.QUARANTINE_TYPE)
    return artifact


# --- the artifact check ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["notes.pdf", "photo.png"])
def test_a_check_stopped_after_moving_the_file_is_finished_by_the_rerun(s3_storage, educator, name):
    """The window a kill can hit: the file already out of quarantine, no verdict yet."""
    data = b"%PDF-1.4\n" + b"1" * 5000 + b"\n%%EOF\n" if name.endswith(".pdf") else png_bytes()
    artifact = uploaded(educator, name, data)
    Artifact.objects.filter(pk=artifact.pk).update(status=Artifact.Status.CHECKING)
    first = artifact_check(artifact_id=artifact.pk)
    expected = (first.storage_key, first.thumbnail_key, first.sha256, first.size)
    stored = storage.read_all(first.storage_key)
    # Put it back as the killed run left it: moved, thumbnail made, no verdict.
    Artifact.objects.filter(pk=artifact.pk).update(
        status=Artifact.Status.CHECKING, storage_key=artifact.storage_key, thumbnail_key=""
    )
    AuditEvent.objects.filter(action="artifact.accepted", target_id=artifact.pk).delete()

    rerun = artifact_check(artifact_id=artifact.pk)
    assert rerun.status == Artifact.Status.ACCEPTED, rerun.refusal_reason
    assert (rerun.storage_key, rerun.thumbnail_key, rerun.sha256, rerun.size) == expected
    assert rerun.content_type == first.content_type
    assert storage.read_all(rerun.storage_key) == stored
    assert artifact_check(artifact_id=artifact.pk) is None


def test_a_worker_killed_during_the_check_leaves_one_accepted_file(
    s3_storage, educator, broker, tmp_path
):
    data = b"%PDF-1.4\n" + b"0" * (60 * 1024 * 1024) + b"\n%%EOF\n"
    artifact = uploaded(educator, "lesson-video-notes.pdf", data)
    quarantine = artifact.storage_key
    env = app_env(s3_storage, **REDELIVERY)
    first = start_worker(env, tmp_path / "doomed.log", name="doomed")
    second = None
    try:
        artifact_upload_finish(artifact=artifact, actor=educator)
        wait_for(
            lambda: "check_artifact[" in (tmp_path / "doomed.log").read_text(),
            timeout=60,
            what="the check to reach the worker",
        )
        time.sleep(0.3)
        kill(first)
        assert Artifact.objects.get(pk=artifact.pk).status == Artifact.Status.CHECKING, (
            "the check finished before the worker was killed"
        )
        second = start_worker(env, tmp_path / "survivor.log", name="survivor")
        wait_for(
            lambda: Artifact.objects.get(pk=artifact.pk).status != Artifact.Status.CHECKING,
            timeout=120,
            interval=0.2,
            what="the redelivered check to finish",
        )
        done = Artifact.objects.get(pk=artifact.pk)
        assert done.status == Artifact.Status.ACCEPTED, done.refusal_reason
        assert done.size == len(data) and done.content_type == "application/pdf"
        assert storage.list_keys(accepted_key(done, "")) == [done.storage_key]
        assert storage.size_of(quarantine) is None
        assert storage.list_keys(quarantine.rsplit("/", 1)[0] + "/") == []
        verdicts = AuditEvent.objects.filter(target_id=done.pk, action__startswith="artifact.")
        assert list(verdicts.filter(action="artifact.accepted").values_list("pk", flat=True))
        assert verdicts.filter(action__in=["artifact.accepted", "artifact.refused"]).count() == 1
    finally:
        kill(first)
        kill(second)


# --- exports --------------------------------------------------------------------------------


def test_a_worker_killed_during_an_export_leaves_one_whole_file(s3_storage, broker, tmp_path):
    district, _ = seed_scale(slug="killed-export", educators=600, plans=6000)
    admin = User.objects.get(email="admin@killed-export.example.org")
    env = app_env(s3_storage, **REDELIVERY)
    first = start_worker(env, tmp_path / "doomed.log", name="doomed")
    second = None
    try:
        job = export_job_create(
            actor=admin, dataset="salary_ledger", file_format="xlsx", filters={}, rows_total=0
        )
        wait_for(
            lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING,
            timeout=60,
            interval=0.01,
            what="the export to start",
        )
        time.sleep(0.2)
        kill(first)
        assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING, (
            "the export finished before the worker was killed"
        )
        second = start_worker(env, tmp_path / "survivor.log", name="survivor")
        wait_for(
            lambda: ExportJob.objects.get(pk=job.pk).status != ExportJob.Status.RUNNING,
            timeout=180,
            interval=0.2,
            what="the redelivered export to finish",
        )
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE, job.error
        folder = f"exports/district-{district.pk}/{job.uuid}/"
        assert storage.list_keys(folder) == [job.storage_key]
        with default_storage.open(job.storage_key, "rb") as handle:
            sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).active
            assert sum(1 for _ in sheet.iter_rows()) == job.rows_done + 1 and job.rows_done > 0
        assert AuditEvent.objects.filter(action="export.requested", target_id=job.pk).count() == 1
    finally:
        kill(first)
        kill(second)
