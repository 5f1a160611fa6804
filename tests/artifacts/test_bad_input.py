"""Bad input, each refused with a clear message, and nothing else of the plan lost."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.services import district_settings_update
from artifacts.models import Artifact
from submissions.models import Submission
from tests.submissions.factories import SubmissionFactory

from .conftest import finish, png_bytes, post_to_storage, start, upload

pytestmark = pytest.mark.integration


@pytest.fixture
def kept(educator_client, submission, django_capture_on_commit_callbacks):
    """Evidence and plan text that must survive every refusal next to them."""
    submission.plan.rationale = "Transitions take ten minutes of every lesson."
    submission.plan.save()
    artifact = upload(
        educator_client,
        submission,
        "kept.png",
        png_bytes(),
        capture=django_capture_on_commit_callbacks,
    )
    assert artifact.status == Artifact.Status.ACCEPTED
    yield artifact
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED
    submission.plan.refresh_from_db()
    assert submission.plan.rationale == "Transitions take ten minutes of every lesson."


def refused(client, submission, name, data, capture, **extra) -> Artifact:
    artifact = upload(client, submission, name, data, capture=capture, **extra)
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.storage_key == ""
    return artifact


def no_quarantine_left(s3_storage, artifact) -> bool:
    listed = s3_storage["client"].list_objects_v2(Bucket=s3_storage["bucket"], Prefix="districts/")
    return not any(str(artifact.uuid) in o["Key"] for o in listed.get("Contents", []))


def test_html_renamed_jpg_is_refused_as_html(
    educator_client, submission, kept, s3_storage, django_capture_on_commit_callbacks
):
    html = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>x</body></html>"
    artifact = refused(
        educator_client, submission, "photo.jpg", html, django_capture_on_commit_callbacks
    )
    assert "“photo.jpg” is really an HTML web page" in artifact.refusal_reason
    assert "though it is named like an image" in artifact.refusal_reason
    assert no_quarantine_left(s3_storage, artifact)


def test_an_svg_is_kept_as_the_png_it_draws_whatever_it_holds(
    educator_client, submission, kept, django_capture_on_commit_callbacks
):
    """SVGs are converted, not screened (test_svg_rasterized.py has the payloads)."""
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="10" height="10" onload="alert(document.cookie)"/></svg>'
    )
    artifact = upload(
        educator_client, submission, "chart.svg", svg, capture=django_capture_on_commit_callbacks
    )
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.content_type == "image/png"
    assert artifact.inline_safe


def test_a_decompression_bomb_is_refused(
    educator_client, submission, kept, django_capture_on_commit_callbacks
):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")
    bomb = out.getvalue()
    assert len(bomb) < 2 * 1024 * 1024
    artifact = refused(
        educator_client, submission, "scan.png", bomb, django_capture_on_commit_callbacks
    )
    assert "decompression bomb" in artifact.refusal_reason


def test_an_oversize_file_is_refused_before_upload_and_after_if_storage_let_it_through(
    educator_client, submission, kept, settings, django_capture_on_commit_callbacks
):
    settings.ARTIFACT_MAX_BYTES = 2000
    response = start(educator_client, submission, "video.mp4", 3 * 1024**3)
    assert response.status_code == 400
    assert "is 3.0 GB; the largest file accepted is 2.0 KB" in response.json()["error"]
    # The test S3 server does not enforce content-length-range; the check reads the real size.
    grant = start(educator_client, submission, "notes.txt", 1500).json()
    post_to_storage(grant, "notes.txt", b"x" * 5000)
    with django_capture_on_commit_callbacks(execute=True):
        finish(educator_client, grant)
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.REFUSED
    assert "“notes.txt” is 4.9 KB; the largest file accepted is 2.0 KB" in artifact.refusal_reason


EMPTY = (
    "“{name}” is empty (0 bytes): there is nothing in it for reviewers to open. Check that it is "
    "the file you meant, or save it again from the program that made it."
)


def test_a_zero_byte_file_is_refused(
    educator_client, submission, kept, django_capture_on_commit_callbacks
):
    response = start(educator_client, submission, "empty.pdf", 0)
    assert response.status_code == 400
    assert response.json()["error"] == EMPTY.format(name="empty.pdf")
    assert Artifact.objects.filter(submission=submission).count() == 1
    grant = start(educator_client, submission, "notes.txt", 10).json()
    post_to_storage(grant, "notes.txt", b"")
    with django_capture_on_commit_callbacks(execute=True):
        finish(educator_client, grant)
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason == EMPTY.format(name="notes.txt")


def test_a_disallowed_type_is_refused_by_name_and_by_content(
    educator_client, submission, kept, image_type, django_capture_on_commit_callbacks
):
    response = start(educator_client, submission, "setup.exe", 1000)
    assert response.status_code == 400
    assert "Files like “setup.exe” are not accepted" in response.json()["error"]
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
    artifact = refused(
        educator_client, submission, "report.pdf", elf, django_capture_on_commit_callbacks
    )
    assert "“report.pdf” is really" in artifact.refusal_reason
    assert "not accepted" in artifact.refusal_reason
    # The evidence type says images only.
    response = start(educator_client, submission, "report.pdf", 1000, evidence_type=image_type.pk)
    assert response.status_code == 400
    assert "this evidence accepts images" in response.json()["error"]
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    artifact = refused(
        educator_client,
        submission,
        "photo.png",
        pdf,
        django_capture_on_commit_callbacks,
        evidence_type=image_type.pk,
    )
    assert "this evidence accepts images" in artifact.refusal_reason


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd.png", "..\\..\\boot.ini.png", "a/b.png", "..", "x\x00.png"]
)
def test_a_traversal_file_name_is_refused(educator_client, submission, kept, name):
    response = start(educator_client, submission, name, 100)
    assert response.status_code == 400
    if "\x00" in name:  # refused before any view reads it (microcreds.middleware)
        assert b"NUL character" in response.content
    else:
        assert "folder parts" in response.json()["error"]
    assert Artifact.objects.filter(submission=submission).count() == 1


def test_a_presigned_key_for_another_plan_is_refused(
    educator_client,
    submission,
    kept,
    other_submission,
    s3_storage,
    django_capture_on_commit_callbacks,
):
    # The grant is for this educator's own plan only; another educator's plan is a 404.
    assert start(educator_client, other_submission, "a.png", 100).status_code == 404
    grant = start(educator_client, submission, "a.png", len(png_bytes())).json()
    post_to_storage(grant, "a.png", png_bytes())
    other_key = (
        f"districts/{other_submission.district_id}/plans/{other_submission.plan_id}/submissions/"
        f"{other_submission.pk}/quarantine/{grant['uuid']}/a.png"
    )
    response = finish(educator_client, grant, key=other_key)
    assert response.status_code == 400
    assert "does not belong to this plan" in response.json()["error"]
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.UPLOADING
    # A key pointed elsewhere behind the app's back is refused by the check itself.
    Artifact.objects.filter(pk=artifact.pk).update(storage_key=other_key)
    s3_storage["client"].put_object(Bucket=s3_storage["bucket"], Key=other_key, Body=png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        assert finish(educator_client, grant).status_code == 200
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason == "This upload does not belong to this plan's evidence."


def test_an_expired_upload_is_refused_and_cleaned_up(educator_client, submission, kept, s3_storage):
    grant = start(educator_client, submission, "a.png", len(png_bytes())).json()
    post_to_storage(grant, "a.png", png_bytes())
    Artifact.objects.filter(uuid=grant["uuid"]).update(
        upload_expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = finish(educator_client, grant)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "The upload of “a.png” expired before it finished; choose the file again to start a "
        "new upload."
    )
    assert not Artifact.objects.filter(uuid=grant["uuid"]).exists()
    listed = s3_storage["client"].list_objects_v2(Bucket=s3_storage["bucket"], Prefix="districts/")
    assert not any(grant["uuid"] in o["Key"] for o in listed.get("Contents", []))


def test_a_plan_not_open_for_evidence_takes_no_upload(educator_client, educator):
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status="submitted_for_review"
    )
    response = start(educator_client, submission, "a.png", 100)
    assert response.status_code == 400
    assert "evidence cannot be added or changed now" in response.json()["error"]


def test_a_family_the_deployment_does_not_accept_is_refused(educator_client, submission, settings):
    settings.ARTIFACT_ALLOWED_FAMILIES = ["document", "image"]
    response = start(educator_client, submission, "lesson.mp4", 1000)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "“lesson.mp4” looks like a video; this evidence accepts documents (PDF, office files, "
        "text), images."
    )


# A real H.264 video: ten 64x48 frames at 10 fps, written by PyAV (libx264) into an MP4.
LESSON_MP4 = (Path(__file__).parent / "samples" / "lesson.mp4").read_bytes()
ACCEPTED_WITHOUT_VIDEO = "documents (PDF, office files, text), images, audio"


def test_a_district_that_turns_off_video_refuses_a_real_mp4_another_district_accepts_it(
    educator_client,
    submission,
    kept,
    district_admin,
    outsider_educator,
    s3_storage,
    django_capture_on_commit_callbacks,
):
    # The educator announces the video while the district still accepts video...
    grant = start(educator_client, submission, "lesson.mp4", len(LESSON_MP4)).json()
    post_to_storage(grant, "lesson.mp4", LESSON_MP4)
    # ...and the district turns video off before the checks read the bytes.
    district_settings_update(
        district=submission.district,
        actor=district_admin,
        artifact_families=["document", "image", "audio"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        finish(educator_client, grant)
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason == (
        "“lesson.mp4” is a video; your district does not accept video as evidence files. "
        f"Accepted here: {ACCEPTED_WITHOUT_VIDEO}."
    )
    assert no_quarantine_left(s3_storage, artifact)
    # The bytes decide, not the name: the video named as a document is refused all the same.
    renamed = refused(
        educator_client, submission, "notes.pdf", LESSON_MP4, django_capture_on_commit_callbacks
    )
    assert renamed.refusal_reason.startswith(
        "“notes.pdf” is a video; your district does not accept video as evidence files."
    )
    # A new video is refused before it is uploaded, and the upload page says what is accepted.
    response = start(educator_client, submission, "lesson.mp4", len(LESSON_MP4))
    assert response.status_code == 400
    assert response.json()["error"] == (
        "“lesson.mp4” looks like a video; your district does not accept video as evidence "
        f"files. Accepted here: {ACCEPTED_WITHOUT_VIDEO}."
    )
    page = educator_client.get(reverse("artifacts:upload", kwargs={"submission_id": submission.pk}))
    assert f"Your district accepts {ACCEPTED_WITHOUT_VIDEO}." in page.content.decode()

    # Another district never turned video off: the same bytes are accepted there.
    other_client = Client()
    other_client.force_login(outsider_educator)
    other_submission = SubmissionFactory(
        plan__lead=outsider_educator,
        educator=outsider_educator,
        status=Submission.Status.IN_PROGRESS,
    )
    accepted = upload(
        other_client,
        other_submission,
        "lesson.mp4",
        LESSON_MP4,
        capture=django_capture_on_commit_callbacks,
    )
    assert accepted.status == Artifact.Status.ACCEPTED, accepted.refusal_reason
    assert (accepted.content_type, accepted.size) == ("video/mp4", len(LESSON_MP4))


def test_a_district_that_accepts_no_files_takes_links_only(
    educator_client, submission, district_admin
):
    district_settings_update(
        district=submission.district, actor=district_admin, artifact_families=[]
    )
    response = start(educator_client, submission, "notes.pdf", 1000)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "Your district does not accept files as evidence; add a link instead."
    )
    page = educator_client.get(reverse("artifacts:upload", kwargs={"submission_id": submission.pk}))
    assert "Your district accepts links only." in page.content.decode()
