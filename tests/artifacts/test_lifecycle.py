"""Frozen after submission, replaced with history, deleted after retention, checked by the real
Celery worker, and the retention task on the beat schedule."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from artifacts import services, storage
from artifacts.models import Artifact
from artifacts.tasks import apply_artifact_retention
from submissions.models import Attempt, Submission
from tests.submissions.factories import SubmissionFactory

from .conftest import CHECKLIST, png_bytes, post_to_storage, start
from .factories import ArtifactFactory

pytestmark = pytest.mark.integration


@pytest.fixture
def frozen(submission):
    artifact = ArtifactFactory(submission=submission, store=True)
    attempt = Attempt.objects.create(submission=submission, number=1)
    assert services.artifacts_attach_to_attempt(attempt=attempt) == 1
    artifact.refresh_from_db()
    return artifact


def test_a_submitted_artifact_cannot_be_deleted_or_edited(educator_client, submission, frozen):
    response = educator_client.post(
        reverse("artifacts:delete", kwargs={"uuid": frozen.uuid}), follow=True
    )
    assert "was submitted for review and is kept as it was scored" in response.content.decode()
    assert Artifact.objects.filter(pk=frozen.pk).exists()
    assert storage.size_of(frozen.storage_key) == 20
    edit = educator_client.post(
        reverse("artifacts:edit", kwargs={"uuid": frozen.uuid}),
        {"title": "Changed", "component": "impact", **CHECKLIST},
    )
    assert edit.status_code == 400
    frozen.refresh_from_db()
    assert frozen.title != "Changed"


def test_a_draft_artifact_is_edited_and_deleted(
    educator_client, submission, django_capture_on_commit_callbacks
):
    artifact = ArtifactFactory(submission=submission, store=True)
    edit = educator_client.post(
        reverse("artifacts:edit", kwargs={"uuid": artifact.uuid}),
        {"title": "Exit tickets", "description": "Week 3", "component": "impact", **CHECKLIST},
    )
    assert edit.status_code == 302
    artifact.refresh_from_db()
    assert (artifact.title, artifact.description) == ("Exit tickets", "Week 3")
    key = artifact.storage_key
    with django_capture_on_commit_callbacks(execute=True):
        response = educator_client.post(reverse("artifacts:delete", kwargs={"uuid": artifact.uuid}))
    assert response.status_code == 302
    assert not Artifact.objects.filter(pk=artifact.pk).exists()
    assert storage.size_of(key) is None


def test_after_not_yet_a_replacement_keeps_the_scored_file_as_history(
    educator_client, submission, frozen, django_capture_on_commit_callbacks
):
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.NOT_YET)
    draft = ArtifactFactory(submission=submission)
    refused = start(educator_client, submission, "v2.png", 10, replaces=str(draft.uuid))
    assert refused.status_code == 400
    assert "Only evidence already submitted for review is replaced" in refused.json()["error"]
    grant = start(
        educator_client, submission, "v2.png", len(png_bytes()), replaces=str(frozen.uuid)
    ).json()
    post_to_storage(grant, "v2.png", png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        educator_client.post(grant["finish_url"])
    replacement = Artifact.objects.get(uuid=grant["uuid"])
    assert replacement.status == Artifact.Status.ACCEPTED
    assert replacement.replaces == frozen
    assert replacement.attempt is None
    frozen.refresh_from_db()
    assert frozen.attempt is not None
    assert storage.size_of(frozen.storage_key) == 20
    page = educator_client.get(
        reverse("artifacts:upload", kwargs={"submission_id": submission.pk})
    ).content.decode()
    assert f"Replaces “{frozen.title}”" in page
    assert "Submitted with attempt 1" in page


def test_retention_deletes_files_after_the_final_decision_and_keeps_a_note(
    client, district_admin, educator, district
):
    district.artifact_retention_days = 30
    district.save()
    old = SubmissionFactory(plan__lead=educator, educator=educator, status="earned")
    Submission.objects.filter(pk=old.pk).update(
        status_changed_at=timezone.now() - timedelta(days=31)
    )
    recent = SubmissionFactory(plan__lead=educator, educator=educator, status="earned")
    working = SubmissionFactory(plan__lead=educator, educator=educator, status="in_progress")
    Submission.objects.filter(pk=working.pk).update(
        status_changed_at=timezone.now() - timedelta(days=90)
    )
    due = ArtifactFactory(submission=old, store=True, sha256="ab" * 32, size=20)
    link = ArtifactFactory(submission=old, kind="link", url="https://v.example.org/1")
    kept = [
        ArtifactFactory(submission=recent, store=True),
        ArtifactFactory(submission=working, store=True),
    ]
    result = apply_artifact_retention.delay().get()
    assert result == {"expired_uploads": 0, "deleted_files": 1}
    due.refresh_from_db()
    assert due.status == Artifact.Status.DELETED
    assert due.deleted_at is not None
    assert due.storage_key == ""
    assert due.deletion_note.startswith("File “work.txt” (20 bytes, sha256 abababababababab)")
    assert "under the district's 30-day retention" in due.deletion_note
    assert "Earned on" in due.deletion_note
    assert storage.size_of(services.accepted_key(due, "work.txt")) is None
    link.refresh_from_db()
    assert link.status == Artifact.Status.ACCEPTED
    for artifact in kept:
        assert storage.size_of(artifact.storage_key) == 20
    # Safe to run again; the record of what was deleted stays, and opening says so.
    assert apply_artifact_retention.delay().get()["deleted_files"] == 0
    client.force_login(district_admin)
    response = client.get(reverse("artifacts:open", kwargs={"uuid": due.uuid}))
    assert response.status_code == 410
    assert "30-day retention" in response.content.decode()


def test_abandoned_uploads_are_purged(educator_client, submission, s3_storage, settings):
    settings.ARTIFACT_MULTIPART_THRESHOLD = 1024
    grant = start(educator_client, submission, "video.mp4", 10 * 1024 * 1024).json()
    small = start(educator_client, submission, "a.png", 100).json()
    Artifact.objects.filter(uuid=grant["uuid"]).update(
        upload_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert apply_artifact_retention.delay().get() == {"expired_uploads": 1, "deleted_files": 0}
    assert not Artifact.objects.filter(uuid=grant["uuid"]).exists()
    assert Artifact.objects.filter(uuid=small["uuid"]).exists()
    uploads = s3_storage["client"].list_multipart_uploads(Bucket=s3_storage["bucket"])
    assert not [u for u in uploads.get("Uploads", []) if grant["uuid"] in u["Key"]]


def test_the_retention_task_is_on_the_beat_schedule():
    from microcreds.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["artifact-retention"]
    assert entry["task"] == apply_artifact_retention.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 24 * 3600


@pytest.mark.django_db(transaction=True)
def test_the_check_runs_in_the_real_celery_worker(celery_worker_real, client, educator, submission):
    client.force_login(educator)
    grant = start(client, submission, "a.png", len(png_bytes())).json()
    post_to_storage(grant, "a.png", png_bytes())
    assert client.post(grant["finish_url"]).json()["status"] == "checking"
    import time

    deadline = time.monotonic() + 30
    status = "checking"
    while status == "checking" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get(grant["status_url"]).json()["status"]
    assert status == "accepted"
