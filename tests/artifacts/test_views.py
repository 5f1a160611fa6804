"""Every artifact page and endpoint: owner, anonymous, wrong role, another educator, another
district, wrong method; opening is a permission check, a log entry and a short redirect."""

import pytest
import requests
from django.urls import reverse

from artifacts.models import Artifact, ArtifactAccess
from reviews.models import ReviewAssignment
from tests.submissions.factories import SubmissionFactory

from .conftest import CHECKLIST, assign
from .factories import ArtifactFactory

pytestmark = pytest.mark.integration


def open_url(artifact) -> str:
    return reverse("artifacts:open", kwargs={"uuid": artifact.uuid})


@pytest.fixture
def artifact(submission):
    return ArtifactFactory(submission=submission, store=True)


# --- Opening --------------------------------------------------------------------------------


def test_the_educator_opens_their_artifact_through_a_logged_five_minute_redirect(
    client, educator, artifact, s3_storage
):
    client.force_login(educator)
    response = client.get(open_url(artifact), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    location = response["Location"]
    assert location.startswith(f"{s3_storage['endpoint']}/{s3_storage['bucket']}/districts/")
    assert "X-Amz-Expires=300" in location
    assert "response-content-disposition=attachment" in location
    fetched = requests.get(location, timeout=10)
    assert fetched.content == b"student work sample\n"
    access = ArtifactAccess.objects.get()
    assert (access.user, access.artifact, access.ip_address) == (educator, artifact, "10.1.2.3")


def test_the_district_admin_opens_any_artifact_of_the_district(client, district_admin, artifact):
    client.force_login(district_admin)
    assert client.get(open_url(artifact)).status_code == 302
    assert ArtifactAccess.objects.get().user == district_admin


def test_an_assigned_reviewer_opens_an_accepted_artifact_but_not_one_being_checked(
    client, reviewer, artifact, submission
):
    client.force_login(reviewer)
    assert client.get(open_url(artifact)).status_code == 404
    assign(reviewer, submission)
    assert client.get(open_url(artifact)).status_code == 302
    checking = ArtifactFactory(submission=submission, status=Artifact.Status.CHECKING)
    refused = ArtifactFactory(
        submission=submission, status=Artifact.Status.REFUSED, refusal_reason="HTML"
    )
    assert client.get(open_url(checking)).status_code == 404
    assert client.get(open_url(refused)).status_code == 404
    assert ArtifactAccess.objects.filter(user=reviewer).count() == 1


def test_a_reassigned_away_reviewer_loses_access(client, reviewer, artifact, submission):
    assign(reviewer, submission, status=ReviewAssignment.Status.REASSIGNED)
    client.force_login(reviewer)
    assert client.get(open_url(artifact)).status_code == 404


def test_without_the_review_side_to_answer_no_reviewer_is_let_in(
    client, reviewer, artifact, submission
):
    # Who reviews what is the review side's to say (artifacts.signals.reviewer_access_asked).
    from artifacts.signals import reviewer_access_asked
    from reviews import receivers

    assign(reviewer, submission)
    client.force_login(reviewer)
    assert reviewer_access_asked.disconnect(dispatch_uid="reviews_evidence_access")
    try:
        assert client.get(open_url(artifact)).status_code == 404
    finally:
        reviewer_access_asked.connect(
            receivers.reviewer_access_asked, dispatch_uid="reviews_evidence_access"
        )
    assert client.get(open_url(artifact)).status_code == 302


def test_another_educator_and_another_district_get_404(
    client, other_educator, outsider_admin, outsider_educator, artifact
):
    for person in (other_educator, outsider_admin, outsider_educator):
        client.force_login(person)
        assert client.get(open_url(artifact)).status_code == 404
    assert not ArtifactAccess.objects.exists()


def test_opening_needs_sign_in_and_get(client, educator, artifact):
    response = client.get(open_url(artifact))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(educator)
    assert client.post(open_url(artifact)).status_code == 405


def test_a_file_still_being_checked_does_not_open_for_its_educator_either(
    client, educator, submission
):
    checking = ArtifactFactory(submission=submission, status=Artifact.Status.CHECKING)
    client.force_login(educator)
    response = client.get(open_url(checking))
    assert response.status_code == 409
    assert "is still being checked" in response.content.decode()
    assert not ArtifactAccess.objects.exists()


def test_a_link_artifact_opens_the_link_and_is_logged(client, educator, submission):
    link = ArtifactFactory(
        submission=submission,
        kind=Artifact.Kind.LINK,
        url="https://video.district.example.org/v/123",
        storage_key="",
    )
    client.force_login(educator)
    response = client.get(open_url(link))
    assert response["Location"] == "https://video.district.example.org/v/123"
    assert ArtifactAccess.objects.get().artifact == link


def test_the_thumbnail_opens_inline_and_is_logged_as_a_thumbnail(
    client, educator, submission, s3_storage
):
    from artifacts import storage

    artifact = ArtifactFactory(
        submission=submission,
        content_type="image/png",
        thumbnail_key=f"districts/{submission.district_id}/thumb-test.jpg",
    )
    storage.put(key=artifact.thumbnail_key, data=b"\xff\xd8\xff", content_type="image/jpeg")
    client.force_login(educator)
    response = client.get(reverse("artifacts:thumbnail", kwargs={"uuid": artifact.uuid}))
    assert response.status_code == 302
    assert "response-content-disposition=inline" in response["Location"]
    assert ArtifactAccess.objects.get().purpose == ArtifactAccess.Purpose.THUMBNAIL


# --- The evidence page and the upload API ---------------------------------------------------


def page_url(submission) -> str:
    return reverse("artifacts:upload", kwargs={"submission_id": submission.pk})


def start_url(submission) -> str:
    return reverse("artifacts:start", kwargs={"submission_id": submission.pk})


def test_the_evidence_page_lists_artifacts_in_a_fixed_number_of_queries(
    client, educator, submission, django_assert_max_num_queries
):
    for _ in range(8):
        ArtifactFactory(submission=submission)
    client.force_login(educator)
    with django_assert_max_num_queries(14):
        response = client.get(page_url(submission))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<strong>Student work sample") == 8
    assert 'data-start-url="' in body
    assert "No student names, faces or other identifying details appear" in body


def test_the_evidence_page_and_start_refuse_everyone_but_the_educator(
    client, reviewer, other_educator, outsider_educator, submission
):
    for url in (page_url(submission),):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client.post(start_url(submission))["Location"].startswith("/accounts/login/")
    client.force_login(reviewer)
    assert client.get(page_url(submission)).status_code == 403
    assert client.post(start_url(submission)).status_code == 403
    for person in (other_educator, outsider_educator):
        client.force_login(person)
        assert client.get(page_url(submission)).status_code == 404
        data = {"file_name": "a.png", "size": 10, "component": "impact", **CHECKLIST}
        assert client.post(start_url(submission), data).status_code == 404
    assert not Artifact.objects.exists()


def test_wrong_methods_are_405(client, educator, submission, artifact):
    client.force_login(educator)
    assert client.post(page_url(submission)).status_code == 405
    assert client.get(start_url(submission)).status_code == 405
    kwargs = {"uuid": artifact.uuid}
    assert client.get(reverse("artifacts:finish", kwargs=kwargs)).status_code == 405
    assert client.get(reverse("artifacts:abort", kwargs=kwargs)).status_code == 405
    assert client.get(reverse("artifacts:delete", kwargs=kwargs)).status_code == 405
    assert client.post(reverse("artifacts:parts", kwargs=kwargs)).status_code == 405
    local = reverse("artifacts:local_upload", kwargs=kwargs)
    assert client.post(local).status_code == 405


def test_the_privacy_checklist_must_be_confirmed(client, educator, submission):
    client.force_login(educator)
    response = client.post(
        start_url(submission), {"file_name": "a.png", "size": 10, "component": "impact"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "Confirm that no student can be identified without consent." in error
    assert "Confirm that consent is on file." in error
    assert not Artifact.objects.exists()


def test_the_upload_api_endpoints_are_the_owners_only(
    client, other_educator, outsider_educator, artifact
):
    kwargs = {"uuid": artifact.uuid}
    for person in (other_educator, outsider_educator):
        client.force_login(person)
        for name in ("finish", "abort", "sign_parts", "delete"):
            assert client.post(reverse(f"artifacts:{name}", kwargs=kwargs)).status_code == 404
        assert client.get(reverse("artifacts:status", kwargs=kwargs)).status_code == 404
        assert client.get(reverse("artifacts:edit", kwargs=kwargs)).status_code == 404
    assert Artifact.objects.filter(pk=artifact.pk).exists()


def test_a_criterion_of_another_micro_credential_is_refused(client, educator, submission):
    from tests.credentials.factories import MicroCredentialFactory

    foreign = MicroCredentialFactory(district=submission.district).rubric.criteria.first()
    client.force_login(educator)
    data = {
        "file_name": "a.png",
        "size": 10,
        "component": "impact",
        "criterion": foreign.pk,
        **CHECKLIST,
    }
    response = client.post(start_url(submission), data)
    assert response.status_code == 400
    assert "Rubric criterion it evidences" in response.json()["error"]


# --- Links ----------------------------------------------------------------------------------


def test_a_link_is_added_with_its_criterion_and_checklist(client, educator, submission):
    criterion = submission.plan.microcredential.rubric.criteria.first()
    client.force_login(educator)
    response = client.post(
        reverse("artifacts:link", kwargs={"submission_id": submission.pk}),
        {
            "link-title": "Lesson video",
            "link-url": "https://video.district.example.org/v/42",
            "link-component": "implementation",
            "link-criterion": criterion.pk,
            "link-confirmed_no_identifying_info": "on",
            "link-confirmed_consent_on_file": "on",
        },
    )
    assert response.status_code == 302
    link = Artifact.objects.get()
    assert (link.kind, link.status, link.criterion, link.component) == (
        "link",
        "accepted",
        criterion,
        "implementation",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Enter a full link that starts with https://."),
        ("http://video.example.org/v/1", "Enter a full link that starts with https://."),
        ("https://user:pw@video.example.org/", "must not contain a user name or password"),
        ("https://192.168.1.20/share", "not a private address"),
        ("https://localhost/x", "not your own computer"),
    ],
)
def test_invalid_links_are_refused_with_a_message_beside_the_field(
    client, educator, submission, url, message
):
    client.force_login(educator)
    response = client.post(
        reverse("artifacts:link", kwargs={"submission_id": submission.pk}),
        {
            "link-title": "Video",
            "link-url": url,
            "link-component": "impact",
            "link-confirmed_no_identifying_info": "on",
            "link-confirmed_consent_on_file": "on",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the following" in body
    assert message in body
    # Said once in the summary and once beside the field, not twice in each.
    assert len(response.context["link_form"].errors["url"]) == 1
    assert not Artifact.objects.exists()


# --- Access log -----------------------------------------------------------------------------


def log_url() -> str:
    return reverse("artifacts:access_log")


def test_the_admin_sees_the_access_log_in_a_fixed_number_of_queries(
    client, district_admin, educator, artifact, outsider_admin, django_assert_max_num_queries
):
    other = SubmissionFactory(plan__lead=outsider_admin, educator=outsider_admin)
    foreign = ArtifactFactory(submission=other, title="Lakeside secret")
    ArtifactAccess.objects.create(artifact=foreign, district=foreign.district, user=outsider_admin)
    for _ in range(12):
        ArtifactAccess.objects.create(artifact=artifact, district=artifact.district, user=educator)
    client.force_login(district_admin)
    with django_assert_max_num_queries(8):
        response = client.get(log_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(artifact.title) == 12
    assert "Lakeside secret" not in body
    filtered = client.get(log_url(), {"artifact": str(artifact.uuid)})
    assert filtered.content.decode().count(artifact.title) == 12
    assert client.get(log_url(), {"artifact": "not-a-uuid"}).status_code == 404


def test_the_access_log_is_for_admins_only(client, educator, reviewer, district_admin):
    assert client.get(log_url())["Location"].startswith("/accounts/login/")
    for person in (educator, reviewer):
        client.force_login(person)
        assert client.get(log_url()).status_code == 403
    client.force_login(district_admin)
    assert client.post(log_url()).status_code == 405
