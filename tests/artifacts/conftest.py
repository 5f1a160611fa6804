"""Fixtures for artifact tests: an educator's submission at work, and helpers that upload the
way the browser does (to the S3 server through the grant the app hands out)."""

import base64
import io
import zlib

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from artifacts.models import Artifact
from reviews.models import ReviewAssignment, StageReview
from submissions.models import Submission
from tests.credentials.factories import EvidenceTypeFactory
from tests.submissions.factories import SubmissionFactory

CHECKLIST = {"confirmed_no_identifying_info": "on", "confirmed_consent_on_file": "on"}


@pytest.fixture
def submission(educator):
    return SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )


@pytest.fixture
def other_submission(other_educator):
    return SubmissionFactory(
        plan__lead=other_educator,
        educator=other_educator,
        status=Submission.Status.IN_PROGRESS,
    )


@pytest.fixture
def educator_client(client, educator):
    client.force_login(educator)
    return client


@pytest.fixture
def image_type(district):
    return EvidenceTypeFactory(district=district, name="Photos of student work", accepts="image")


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (120, 80), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    gps = {1: "N", 2: (44.0, 58.0, 12.5), 3: "W", 4: (93.0, 15.0, 30.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def assign(reviewer, submission, status=ReviewAssignment.Status.PENDING) -> ReviewAssignment:
    """Make ``reviewer`` a reviewer of ``submission`` (final stage)."""
    round_ = StageReview.objects.create(
        district=submission.district,
        submission=submission,
        stage="final",
        due_at=timezone.now(),
    )
    return ReviewAssignment.objects.create(
        district=submission.district,
        stage_review=round_,
        submission=submission,
        stage="final",
        reviewer=reviewer,
        opened_at=round_.opened_at,
        due_at=timezone.now(),
        status=status,
    )


def start(client, submission, name: str, size: int, **extra):
    data = {"file_name": name, "size": size, "component": "impact", **CHECKLIST, **extra}
    return client.post(reverse("artifacts:start", kwargs={"submission_id": submission.pk}), data)


def crc32_header(data: bytes) -> str:
    """A part's CRC32 as S3's ``x-amz-checksum-crc32`` holds it (base64 of 4 bytes, big-endian)."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def post_to_storage(grant: dict, name: str, data: bytes) -> requests.Response:
    """What the browser does with a presigned POST."""
    response = requests.post(
        grant["url"], data=grant["fields"], files={"file": (name, data)}, timeout=30
    )
    assert response.status_code == 201, response.text
    return response


def finish(client, grant: dict, key: str = ""):
    return client.post(grant["finish_url"], {"key": key} if key else {})


def upload(client, submission, name: str, data: bytes, *, capture, **extra) -> Artifact:
    """Announce, upload to the S3 server, finish, and run the checks (on commit)."""
    response = start(client, submission, name, len(data), **extra)
    assert response.status_code == 201, response.content
    grant = response.json()
    assert grant["method"] == "post"
    post_to_storage(grant, name, data)
    with capture(execute=True):
        finished = finish(client, grant)
    assert finished.status_code == 200, finished.content
    return Artifact.objects.get(uuid=grant["uuid"])
