"""seed_demo puts checked files on the plans at the review stage, so reviewers can open them."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from artifacts import storage
from artifacts.models import Artifact
from submissions.models import Submission

pytestmark = pytest.mark.integration


def test_seed_demo_attaches_checked_images_and_documents_at_the_review_stage(db):
    call_command("seed_demo", stdout=io.StringIO())
    files = Artifact.objects.filter(kind=Artifact.Kind.FILE).select_related("submission")
    assert files.exists()
    assert set(files.values_list("status", flat=True)) == {Artifact.Status.ACCEPTED}
    types = set(files.values_list("content_type", flat=True))
    assert {"image/png", "image/jpeg", "application/pdf", "text/csv"} <= types or {
        "image/png",
        "image/jpeg",
        "application/pdf",
        "text/plain",
    } <= types
    at_review = files.filter(submission__status=Submission.Status.SUBMITTED_FOR_REVIEW)
    assert at_review.exists()
    assert all(a.attempt_id for a in at_review)
    photo = files.filter(content_type="image/jpeg").first()
    stored = Image.open(io.BytesIO(storage.read_all(photo.storage_key)))
    assert dict(stored.getexif()) == {}
    assert storage.size_of(photo.thumbnail_key)
