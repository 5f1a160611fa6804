"""Uploads straight to the S3 server: the POST policy, the flow, the checks, opening."""

import base64
import io
import json
import zlib
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import requests
from django.urls import reverse
from PIL import Image

from artifacts import storage as storage
from artifacts.models import Artifact, ArtifactAccess

from .conftest import (
    crc32_header,
    finish,
    jpeg_with_gps,
    png_bytes,
    post_to_storage,
    start,
    upload,
)

pytestmark = pytest.mark.integration


def decode_policy(grant: dict) -> dict:
    return json.loads(base64.b64decode(grant["fields"]["policy"]))


def test_the_post_policy_fixes_key_size_type_and_expiry(educator_client, submission):
    response = start(educator_client, submission, "lesson plan.pdf", 12345)
    assert response.status_code == 201
    grant = response.json()
    assert grant["method"] == "post"
    policy = decode_policy(grant)
    conditions = policy["conditions"]
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    expected_key = (
        f"districts/{submission.district_id}/plans/{submission.plan_id}/submissions/"
        f"{submission.pk}/quarantine/{artifact.uuid}/lesson-plan.pdf"
    )
    assert artifact.storage_key == expected_key
    assert grant["fields"]["key"] == expected_key
    assert {"key": expected_key} in conditions
    assert {"bucket": "microcreds-test"} in conditions
    assert ["content-length-range", 1, 12345] in conditions
    assert {"Content-Type": "application/octet-stream"} in conditions
    assert grant["fields"]["Content-Type"] == "application/octet-stream"
    assert {"success_action_status": "201"} in conditions
    assert any("x-amz-credential" in c for c in conditions if isinstance(c, dict))
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now < expires <= now + timedelta(hours=1, seconds=5)
    assert artifact.status == Artifact.Status.UPLOADING
    assert artifact.declared_size == 12345


def test_an_image_is_uploaded_checked_cleaned_and_opened(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    artifact = upload(
        educator_client,
        submission,
        "Exit tickets.jpg",
        original,
        capture=django_capture_on_commit_callbacks,
        title="Exit tickets, week 3",
    )
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.title == "Exit tickets, week 3"
    assert artifact.content_type == "image/jpeg"
    assert artifact.inline_safe
    assert "/artifacts/" in artifact.storage_key and "quarantine" not in artifact.storage_key
    client = s3_storage["client"]
    listed = client.list_objects_v2(Bucket=s3_storage["bucket"], Prefix="districts/")
    keys = {o["Key"] for o in listed.get("Contents", [])}
    assert artifact.storage_key in keys
    assert artifact.thumbnail_key in keys
    assert not any("/quarantine/" in k and str(artifact.uuid) in k for k in keys)
    stored = client.get_object(Bucket=s3_storage["bucket"], Key=artifact.storage_key)
    assert stored["ContentType"] == "image/jpeg"
    cleaned = Image.open(io.BytesIO(stored["Body"].read()))
    assert cleaned.size == (120, 80)
    assert dict(cleaned.getexif()) == {}
    assert "exif" not in cleaned.info
    assert artifact.size == stored["ContentLength"]

    response = educator_client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid}))
    assert response.status_code == 302
    assert response["Location"].startswith(s3_storage["endpoint"])
    assert "X-Amz-Expires=300" in response["Location"]
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Disposition"].startswith("inline;")
    assert Image.open(io.BytesIO(fetched.content)).size == (120, 80)
    access = ArtifactAccess.objects.get(artifact=artifact)
    assert access.user == submission.educator
    assert access.purpose == ArtifactAccess.Purpose.OPEN


def test_a_document_is_moved_out_of_quarantine_and_downloads_as_attachment(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    text = b"Reflection notes: routines saved eight minutes per lesson.\n" * 20
    artifact = upload(
        educator_client, submission, "notes.txt", text, capture=django_capture_on_commit_callbacks
    )
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.content_type == "text/plain"
    assert not artifact.inline_safe
    assert artifact.size == len(text)
    import hashlib

    assert artifact.sha256 == hashlib.sha256(text).hexdigest()
    response = educator_client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid}))
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.content == text
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="notes.txt"' in fetched.headers["Content-Disposition"]
    assert fetched.headers["Content-Type"] == "application/octet-stream"


def test_several_files_one_refused_the_others_and_the_plan_are_untouched(
    educator_client, submission, django_capture_on_commit_callbacks
):
    submission.plan.rationale = "Transitions take too long."
    submission.plan.save()
    capture = django_capture_on_commit_callbacks
    good = upload(educator_client, submission, "a.png", png_bytes(), capture=capture)
    bad = upload(
        educator_client,
        submission,
        "b.jpg",
        b"<html><body>not a photo</body></html>",
        capture=django_capture_on_commit_callbacks,
    )
    other = upload(educator_client, submission, "c.png", png_bytes(), capture=capture)
    good.refresh_from_db()
    assert [good.status, bad.status, other.status] == ["accepted", "refused", "accepted"]
    submission.plan.refresh_from_db()
    assert submission.plan.rationale == "Transitions take too long."
    page = educator_client.get(reverse("artifacts:upload", kwargs={"submission_id": submission.pk}))
    assert page.status_code == 200
    assert bad.refusal_reason in page.content.decode()


MULTIPART_VIDEO = (
    b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 50_000
)[: 11 * 1024 * 1024]
PART = 5 * 1024 * 1024


@pytest.fixture
def multipart_grant(educator_client, submission, settings) -> dict:
    """An 11 MB video announced in three 5 MB parts."""
    settings.ARTIFACT_MULTIPART_THRESHOLD = PART
    settings.ARTIFACT_PART_BYTES = PART
    response = start(educator_client, submission, "lesson.mp4", len(MULTIPART_VIDEO))
    assert response.status_code == 201, response.content
    grant = response.json()
    assert grant["method"] == "multipart"
    assert grant["part_count"] == 3
    return grant


def part_of(number: int) -> bytes:
    return MULTIPART_VIDEO[(number - 1) * PART : number * PART]


def sign(client, grant: dict, parts: dict[int, str]):
    return client.post(grant["sign_url"], {"part": [f"{n}:{c}" for n, c in parts.items()]})


def test_multipart_upload_resumes_by_listing_parts(
    educator_client, multipart_grant, s3_storage, django_capture_on_commit_callbacks
):
    grant = multipart_grant
    client, bucket = s3_storage["client"], s3_storage["bucket"]
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    uploads = client.list_multipart_uploads(Bucket=bucket)["Uploads"]
    created = next(u for u in uploads if u["UploadId"] == artifact.upload_id)
    assert created["ChecksumAlgorithm"] == "CRC32"

    def put_part(number: int) -> None:
        checksum = crc32_header(part_of(number))
        signed = sign(educator_client, grant, {number: checksum})
        assert signed.status_code == 200, signed.content
        url = signed.json()["urls"][str(number)]
        assert url.startswith(s3_storage["endpoint"])
        # The checksum is signed: the browser must send exactly it, and storage checks the bytes.
        assert "X-Amz-SignedHeaders=host%3Bx-amz-checksum-crc32&" in url
        r = requests.put(
            url, data=part_of(number), headers={"x-amz-checksum-crc32": checksum}, timeout=30
        )
        assert r.status_code == 200, r.text

    put_part(1)
    # The connection breaks here; finishing now says what is missing.
    early = finish(educator_client, grant)
    assert early.status_code == 400
    assert "2 of 3 parts are missing" in early.json()["error"]
    # The browser comes back and asks what storage already holds.
    listing = educator_client.get(grant["parts_url"]).json()
    assert [p["part_number"] for p in listing["parts"]] == [1]
    put_part(2)
    put_part(3)
    with django_capture_on_commit_callbacks() as checks:
        done = finish(educator_client, grant)
    assert done.status_code == 200, done.content
    # Completed as an upload of CRC32-checked parts: storage's checksum of the object is the
    # CRC32 of the three parts' CRC32s (S3 writes "-3" after it; the test server's HEAD not).
    stored = client.head_object(Bucket=bucket, Key=artifact.storage_key, ChecksumMode="ENABLED")
    part_crcs = b"".join(zlib.crc32(part_of(n)).to_bytes(4, "big") for n in (1, 2, 3))
    assert stored["ChecksumCRC32"].removesuffix("-3") == crc32_header(part_crcs)
    for check in checks:
        check()
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.size == len(MULTIPART_VIDEO)
    assert artifact.content_type == "video/mp4"
    assert artifact.upload_id == ""


def test_part_urls_are_signed_only_for_a_checksum_of_each_part(educator_client, multipart_grant):
    grant = multipart_grant
    refusals = {
        "without a checksum": {"part_number": ["1"]},
        "a number alone": {"part": ["1"]},
        "not base64": {"part": ["1:not-a-checksum"]},
        "a SHA-256, not a CRC32": {"part": [f"1:{base64.b64encode(bytes(32)).decode()}"]},
        "two checksums for one part": {"part": ["1:AAAAAA==", "1:AAAAAQ=="]},
    }
    for case, data in refusals.items():
        response = educator_client.post(grant["sign_url"], data)
        assert response.status_code == 400, case
        assert response.json()["error"].startswith("Parts: "), case
    beyond = sign(educator_client, grant, {4: crc32_header(b"x")})
    assert beyond.status_code == 400
    assert "between 1 and 3" in beyond.json()["error"]
    both = sign(educator_client, grant, {2: crc32_header(part_of(2)), 1: crc32_header(part_of(1))})
    assert both.status_code == 200
    assert sorted(both.json()["urls"]) == ["1", "2"]


def test_completing_names_each_parts_checksum_as_storage_listed_it(
    educator_client, multipart_grant, s3_storage
):
    """S3 refuses to complete a CRC32 upload whose parts come without their checksums.

    The test server's ListParts does not return a part's ChecksumCRC32 (S3's does), so the
    parts are given here as S3 lists them; the request that goes to the server is read back.
    """
    artifact = Artifact.objects.get(uuid=multipart_grant["uuid"])
    parts = []
    for number in (1, 2, 3):
        checksum = crc32_header(part_of(number))
        url = sign(educator_client, multipart_grant, {number: checksum}).json()["urls"]
        r = requests.put(
            url[str(number)],
            data=part_of(number),
            headers={"x-amz-checksum-crc32": checksum},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        parts.append(
            {
                "PartNumber": number,
                "ETag": r.headers["ETag"],
                "Size": PART,
                "ChecksumCRC32": checksum,
            }
        )
    sent: list[bytes] = []
    events = storage.s3_client().meta.events
    events.register(
        "before-send.s3.CompleteMultipartUpload",
        lambda request, **_: sent.append(request.body),
        unique_id="test-complete-body",
    )
    try:
        storage.multipart_complete(
            key=artifact.storage_key, upload_id=artifact.upload_id, parts=parts
        )
    finally:
        events.unregister("before-send.s3.CompleteMultipartUpload", unique_id="test-complete-body")
    namespace = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    completed = {
        part.findtext("s3:PartNumber", namespaces=namespace): (
            part.findtext("s3:ETag", namespaces=namespace),
            part.findtext("s3:ChecksumCRC32", namespaces=namespace),
        )
        for part in ElementTree.fromstring(sent[0]).iterfind("s3:Part", namespace)
    }
    assert completed == {
        str(p["PartNumber"]): (p["ETag"], crc32_header(part_of(p["PartNumber"]))) for p in parts
    }
    stored = s3_storage["client"].head_object(Bucket=s3_storage["bucket"], Key=artifact.storage_key)
    assert stored["ContentLength"] == len(MULTIPART_VIDEO)


def test_cancel_aborts_the_multipart_upload_and_removes_the_row(
    educator_client, submission, s3_storage, settings
):
    settings.ARTIFACT_MULTIPART_THRESHOLD = 1024
    grant = start(educator_client, submission, "lesson.mp4", 10 * 1024 * 1024).json()
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    response = educator_client.post(grant["abort_url"])
    assert response.status_code == 200
    assert not Artifact.objects.filter(pk=artifact.pk).exists()
    uploads = s3_storage["client"].list_multipart_uploads(Bucket=s3_storage["bucket"])
    assert artifact.upload_id not in [u["UploadId"] for u in uploads.get("Uploads", [])]


def test_a_small_upload_posted_then_finished_twice_is_checked_once(
    educator_client, submission, django_capture_on_commit_callbacks
):
    grant = start(educator_client, submission, "a.png", len(png_bytes())).json()
    post_to_storage(grant, "a.png", png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        assert finish(educator_client, grant).status_code == 200
    again = finish(educator_client, grant)
    assert again.status_code == 400
    assert "not waiting for an upload" in again.json()["error"]
