"""The S3 server stopped (an S3 server of the test's own, stopped and started again on the same
port) during an upload and while evidence is opened: the person reads what happened, the plan
and the other evidence stay as they were, and the upload resumes where it stopped once storage
is back."""

import pytest
import requests
from django.test import override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from accounts.models import User
from artifacts.models import Artifact, ArtifactAccess
from artifacts.services import ArtifactDetails, artifact_link_create
from submissions.models import Submission
from tests.artifacts.conftest import crc32_header, start
from tests.submissions.factories import SubmissionFactory

from .processes import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PART = 5 * 1024 * 1024
VIDEO = (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 50_000)[
    : 2 * PART + 1000
]
BUCKET = "microcreds-fault"
SAID = "The file storage is not answering right now"


class StoppableS3:
    def __init__(self):
        self.port = free_port()
        self.server: ThreadedMotoServer | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def storage(settings):
    """Default storage and evidence on an S3 server this test stops and starts."""
    import boto3

    s3 = StoppableS3()
    s3.start()
    boto3.client(
        "s3",
        endpoint_url=s3.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    options = {
        **settings.STORAGES["default"]["OPTIONS"],
        "bucket_name": BUCKET,
        "endpoint_url": s3.endpoint,
    }
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "default": {**settings.STORAGES["default"], "OPTIONS": options},
        },
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3.endpoint,
        ARTIFACT_MULTIPART_THRESHOLD=PART,
        ARTIFACT_PART_BYTES=PART,
    ):
        yield s3
    s3.stop()


def put_part(client, grant: dict, number: int) -> requests.Response:
    data = VIDEO[(number - 1) * PART : number * PART]
    checksum = crc32_header(data)
    signed = client.post(grant["sign_url"], {"part": [f"{number}:{checksum}"]})
    assert signed.status_code == 200, signed.content
    return requests.put(
        signed.json()["urls"][str(number)],
        data=data,
        headers={"x-amz-checksum-crc32": checksum},
        timeout=30,
    )


def test_an_upload_across_a_storage_outage(
    storage, client, educator, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    link = artifact_link_create(
        submission=submission,
        actor=educator,
        url="https://video.example.org/lesson",
        details=ArtifactDetails(
            title="Lesson link", confirmed_no_identifying_info=True, confirmed_consent_on_file=True
        ),
    )
    client.force_login(educator)
    grant = start(client, submission, "lesson.mp4", len(VIDEO)).json()
    assert grant["method"] == "multipart"
    assert put_part(client, grant, 1).status_code == 200

    storage.stop()
    with pytest.raises(requests.ConnectionError):
        put_part(client, grant, 2)
    for response in (
        client.get(grant["parts_url"]),
        client.post(grant["finish_url"]),
        start(client, submission, "another.mp4", len(VIDEO)),
    ):
        assert response.status_code == 503
        assert SAID in response.json()["error"]
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.UPLOADING and artifact.upload_id
    page = client.get(reverse("artifacts:upload", kwargs={"submission_id": submission.pk}))
    assert page.status_code == 200 and "Lesson link" in page.content.decode()
    assert Artifact.objects.filter(submission=submission).count() == 2
    assert Artifact.objects.get(pk=link.pk).status == Artifact.Status.ACCEPTED

    storage.start()
    listed = client.get(grant["parts_url"]).json()
    assert [p["part_number"] for p in listed["parts"]] == [1], "resumes where it stopped"
    for number in (2, 3):
        assert put_part(client, grant, number).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(grant["finish_url"])
    assert done.status_code == 200, done.content
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.size == len(VIDEO)


def test_opening_evidence_while_storage_is_down_says_so(
    storage, client, educator, district_admin, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    client.force_login(educator)
    grant = start(client, submission, "notes.txt", 12).json()
    requests.post(
        grant["url"], data=grant["fields"], files={"file": ("notes.txt", b"my notes...\n")}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(grant["finish_url"])
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    opened_url = reverse("artifacts:open", kwargs={"uuid": artifact.uuid})

    client.force_login(User.objects.get(pk=district_admin.pk))
    storage.stop()
    down = client.get(opened_url)
    assert down.status_code == 503
    assert SAID in down.content.decode()
    assert not ArtifactAccess.objects.filter(artifact=artifact).exists()

    storage.start()
    opened = client.get(opened_url)
    assert opened.status_code == 302
    assert requests.get(opened["Location"], timeout=10).content == b"my notes...\n"
