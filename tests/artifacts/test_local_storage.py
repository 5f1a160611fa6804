"""The embedded default (no S3): the same page uploads through the app, streamed to disk."""

import pytest
from django.urls import reverse

from artifacts.models import Artifact, ArtifactAccess

from .conftest import png_bytes, start


@pytest.fixture
def local_storage(settings, tmp_path):
    settings.USE_S3 = False
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def put(client, grant, data: bytes):
    return client.put(grant["url"], data=data, content_type="application/octet-stream")


def test_a_file_streams_through_the_app_to_disk_and_opens_through_a_signed_url(
    educator_client,
    submission,
    local_storage,
    client,
    other_educator,
    django_capture_on_commit_callbacks,
):
    # Larger than Django's in-memory request limit: the view must stream, not read request.body.
    data = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    grant = start(educator_client, submission, "unit plan.pdf", len(data)).json()
    assert grant["method"] == "local"
    assert grant["url"] == reverse("artifacts:local_upload", kwargs={"uuid": grant["uuid"]})
    response = put(educator_client, grant, data)
    assert response.status_code == 200, response.content
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert (local_storage / artifact.storage_key).read_bytes() == data
    with django_capture_on_commit_callbacks(execute=True):
        assert educator_client.post(grant["finish_url"]).status_code == 200
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.content_type == "application/pdf"
    assert (local_storage / artifact.storage_key).read_bytes() == data
    assert not list(local_storage.glob("**/quarantine/*/*"))

    opened = educator_client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid}))
    assert opened.status_code == 302
    assert ArtifactAccess.objects.filter(artifact=artifact).count() == 1
    served = educator_client.get(opened["Location"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == data
    assert served["Content-Disposition"].startswith('inline; filename="unit-plan.pdf"')
    assert served["Content-Type"] == "application/pdf"
    # The signed URL is the opener's alone.
    client.force_login(other_educator)
    assert client.get(opened["Location"]).status_code == 404


def test_an_image_is_re_encoded_on_disk_too(
    educator_client, submission, local_storage, django_capture_on_commit_callbacks
):
    data = png_bytes()
    grant = start(educator_client, submission, "a.png", len(data)).json()
    put(educator_client, grant, data)
    with django_capture_on_commit_callbacks(execute=True):
        educator_client.post(grant["finish_url"])
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.ACCEPTED
    assert (local_storage / artifact.thumbnail_key).is_file()


def test_a_body_larger_than_announced_is_refused_and_not_kept(
    educator_client, submission, local_storage
):
    grant = start(educator_client, submission, "notes.txt", 100).json()
    response = put(educator_client, grant, b"x" * 5000)
    assert response.status_code == 400
    assert "larger than announced" in response.json()["error"]
    assert not [p for p in local_storage.rglob("*") if p.is_file()]


def test_another_educator_cannot_put_into_my_upload(
    client, educator_client, submission, local_storage, other_educator
):
    grant = start(educator_client, submission, "notes.txt", 100).json()
    client.force_login(other_educator)
    assert put(client, grant, b"x" * 100).status_code == 404
    assert not [p for p in local_storage.rglob("*") if p.is_file()]
