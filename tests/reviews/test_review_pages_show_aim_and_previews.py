"""The plan-review and scoring pages show the micro-credential's competency and rubric; the
scoring page previews images and video in the page through the same permission check and
five-minute links as opening them."""

import pytest
import requests
from django.urls import reverse

from artifacts import storage
from artifacts.models import ArtifactAccess
from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.artifacts.conftest import png_bytes
from tests.artifacts.factories import ArtifactFactory

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


def assignment_of(submission, stage) -> ReviewAssignment:
    assign_reviewers(submission.pk, stage)
    return ReviewAssignment.objects.filter(submission=submission, stage=stage).first()


def review_page(client, assignment) -> str:
    client.force_login(assignment.reviewer)
    response = client.get(reverse("reviews:review", args=[assignment.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "status", [SubmissionStatus.PLAN_SUBMITTED, SubmissionStatus.SUBMITTED_FOR_REVIEW]
)
def test_both_review_pages_show_the_competency_and_the_rubric(client, panel, teacher, status):
    submission = submission_in(status, educator=teacher)
    microcredential = submission.plan.microcredential
    stage = "plan" if status == SubmissionStatus.PLAN_SUBMITTED else "final"
    page = review_page(client, assignment_of(submission, stage))
    assert "The micro-credential: competency and rubric" in page
    assert microcredential.competency in page
    assert 'class="rubric-table"' in page
    for criterion in microcredential.rubric.criteria.all():
        assert criterion.title in page
        for level in criterion.levels.all():
            assert f"{level.score} · {level.label}" in page


def test_images_and_video_are_previewed_through_the_permission_check(
    client, panel, teacher, reviewer, s3_storage
):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    photo = ArtifactFactory(
        submission=submission,
        title="Transition chart",
        content_type="image/png",
        inline_safe=True,
        thumbnail_key=f"districts/{submission.district_id}/chart-thumb.jpg",
    )
    storage.put(key=photo.thumbnail_key, data=png_bytes(), content_type="image/jpeg")
    video = ArtifactFactory(
        submission=submission,
        title="Lesson video",
        content_type="video/mp4",
        inline_safe=True,
    )
    storage.put(key=video.storage_key, data=b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    document = ArtifactFactory(submission=submission, title="Lesson plan")
    assignment = assignment_of(submission, "final")
    page = review_page(client, assignment)
    thumbnail = reverse("artifacts:thumbnail", kwargs={"uuid": photo.uuid})
    opened = reverse("artifacts:open", kwargs={"uuid": video.uuid})
    assert f'<img class="artifact-preview" src="{thumbnail}" alt="Preview of' in page
    assert f'<video class="artifact-preview" controls preload="none" src="{opened}"' in page
    assert reverse("artifacts:thumbnail", kwargs={"uuid": document.uuid}) not in page
    assert page.count("<video") == 1 and page.count('class="artifact-preview"') == 2
    # Showing the page fetched nothing yet: the preview is fetched (and logged) when shown.
    assert not ArtifactAccess.objects.exists()
    response = client.get(thumbnail)
    assert response.status_code == 302 and "X-Amz-Expires=300" in response["Location"]
    assert "response-content-disposition=inline" in response["Location"]
    assert requests.get(response["Location"], timeout=10).content == png_bytes()
    response = client.get(opened)
    assert "X-Amz-Expires=300" in response["Location"]
    assert "response-content-type=video%2Fmp4" in response["Location"]
    assert list(ArtifactAccess.objects.values_list("user", "purpose")) == [
        (assignment.reviewer_id, "open"),
        (assignment.reviewer_id, "thumbnail"),
    ]
    # A reviewer not on the submission gets neither the preview nor the video.
    client.force_login(reviewer)
    assert client.get(thumbnail).status_code == 404
    assert client.get(opened).status_code == 404


def test_the_policy_lets_previews_load_from_the_storage_and_nothing_else():
    """Previews are presigned URLs of the bucket: the CSP names its origin for images and media
    (only when files are kept in S3 or MinIO), and no other."""
    from tests.project_copy import ROOT, bare_env, django_shell

    read = (
        "import json; from django.conf import settings; "
        "d = settings.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(json.dumps([d['img-src'], d['media-src']]))"
    )
    with_s3 = bare_env(
        DEBUG="1",
        AWS_STORAGE_BUCKET_NAME="microcreds",
        AWS_S3_ENDPOINT_URL="http://minio.example.org:9000/",
    )
    images, media = django_shell(ROOT, read, env=with_s3)
    assert images == ["'self'", "data:", "http://minio.example.org:9000"]
    assert media == ["'self'", "http://minio.example.org:9000"]
    images, media = django_shell(ROOT, read, env=bare_env(DEBUG="1"))
    assert (images, media) == (["'self'", "data:"], ["'self'"])
