"""Sizes are written one way everywhere (``accounts.uploads.human_size``): an empty file is
"0 bytes", a small one is counted in bytes, never rounded up to "1 KB", and the evidence list
writes a stored file's size as the messages do. An empty file is never evidence: it is refused
when announced, with a message that says why."""

import pytest
from django.urls import reverse

from accounts.uploads import human_size
from tests.artifacts.factories import ArtifactFactory

from .conftest import start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("size", "written"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (100, "100 bytes"),
        (1023, "1023 bytes"),
        (1024, "1.0 KB"),
        (1280, "1.3 KB"),  # 1.25 rounds half up, as the browser's copy does
        (1_048_575, "1.0 MB"),  # not "1024.0 KB"
        (5 * 1024**3, "5.0 GB"),
        (None, "unknown size"),
    ],
)
def test_a_size_is_written_as_people_read_it(size, written):
    assert human_size(size) == written


def test_the_evidence_list_writes_sizes_as_the_messages_do(educator_client, submission):
    ArtifactFactory(submission=submission, original_name="tiny.txt", size=100)
    ArtifactFactory(submission=submission, original_name="almost-a-megabyte.pdf", size=1_048_575)
    page = educator_client.get(
        reverse("artifacts:upload", kwargs={"submission_id": submission.pk})
    ).content.decode()
    assert "tiny.txt · 100 bytes" in page
    assert "almost-a-megabyte.pdf · 1.0 MB" in page


def test_an_empty_file_is_refused_when_announced_and_says_why(educator_client, submission):
    response = start(educator_client, submission, "reflection.docx", 0)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "“reflection.docx” is empty (0 bytes): there is nothing in it for reviewers to open. "
        "Check that it is the file you meant, or save it again from the program that made it."
    )
    assert not submission.artifacts.exists()
