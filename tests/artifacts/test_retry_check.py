"""Retry is offered only where trying again can help. A file refused for what it is (its type,
its name, empty, a virus) gets the same answer every time: the evidence page shows why and
Remove, the upload script shows Remove, and the retry view refuses it, changing nothing. A file
whose check could not run (the scanner did not answer) is kept, and Retry checks it again."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from artifacts import storage
from artifacts.checks import ClamdError
from artifacts.models import Artifact
from artifacts.services import artifact_check_give_up

from .conftest import finish, post_to_storage, start, upload

pytestmark = pytest.mark.django_db


def evidence_page(client, submission) -> str:
    return client.get(
        reverse("artifacts:upload", kwargs={"submission_id": submission.pk})
    ).content.decode()


def retry_url(artifact: Artifact) -> str:
    return reverse("artifacts:retry_check", kwargs={"uuid": artifact.uuid})


def refused_because_the_scanner_was_down(client, submission, data: bytes, capture) -> Artifact:
    """Uploaded, then its check's last retry found the scanner still down (what the task does
    with ``ClamdError`` after ``max_retries``)."""
    grant = start(client, submission, "exit-tickets.txt", len(data)).json()
    post_to_storage(grant, "exit-tickets.txt", data)
    with capture(execute=False):  # the check is not run now: the scanner "does not answer"
        assert finish(client, grant).status_code == 200
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    return artifact_check_give_up(
        artifact_id=artifact.pk, cause=ClamdError("The virus scanner could not be reached.")
    )


# --- Refused when announced: the upload script's answer ------------------------------------------


@pytest.mark.parametrize(
    ("name", "size"),
    [("setup.exe", 2048), ("empty.pdf", 0), ("lesson/plan.pdf", 2048)],
)
def test_a_file_refused_for_what_it_is_is_not_retryable(educator_client, submission, name, size):
    response = start(educator_client, submission, name, size)
    assert response.status_code == 400
    assert response.json()["retryable"] is False


def test_a_file_refused_for_its_evidence_type_may_be_sent_again_as_another(
    educator_client, submission, image_type
):
    response = start(educator_client, submission, "notes.pdf", 2048, evidence_type=image_type.pk)
    assert response.status_code == 400
    assert "this evidence accepts images" in response.json()["error"]
    assert response.json()["retryable"] is True


# --- Refused after its check: the evidence page and the retry view --------------------------------


def test_a_refusal_for_what_the_file_is_shows_why_and_remove_and_no_retry(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    artifact = upload(
        educator_client,
        submission,
        "photo.jpg",
        b"<html>not a photo</html>",
        capture=django_capture_on_commit_callbacks,
    )
    assert artifact.status == Artifact.Status.REFUSED
    page = evidence_page(educator_client, submission)
    assert "is really an HTML web page" in page
    assert reverse("artifacts:delete", kwargs={"uuid": artifact.uuid}) in page
    assert retry_url(artifact) not in page
    assert "Retry" not in page


def test_the_retry_view_refuses_a_permanent_refusal_and_changes_nothing(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    artifact = upload(
        educator_client,
        submission,
        "photo.jpg",
        b"<html>not a photo</html>",
        capture=django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = educator_client.post(retry_url(artifact), follow=True)
    assert "Checking it again would give the same answer; remove it instead." in (
        response.content.decode()
    )
    assert queued == []
    after = Artifact.objects.get(pk=artifact.pk)
    assert (after.status, after.refusal_reason) == (
        Artifact.Status.REFUSED,
        artifact.refusal_reason,
    )
    assert not AuditEvent.objects.filter(action="artifact.check_retried").exists()


def test_a_file_the_scanner_could_not_check_is_kept_and_retry_checks_it_again(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    data = b"Exit tickets, period three.\n" * 40
    artifact = refused_because_the_scanner_was_down(
        educator_client, submission, data, django_capture_on_commit_callbacks
    )
    assert artifact.status == Artifact.Status.REFUSED
    assert storage.size_of(artifact.storage_key) == len(data)  # kept in quarantine
    page = evidence_page(educator_client, submission)
    assert "could not check this file for viruses right now" in page
    assert f'action="{retry_url(artifact)}"' in page

    # The scanner answers again (in tests none is configured: the check runs without it).
    with django_capture_on_commit_callbacks(execute=True):
        response = educator_client.post(retry_url(artifact), follow=True)
    assert "“exit-tickets.txt” is being checked again." in response.content.decode()
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert artifact.size == len(data)
    event = AuditEvent.objects.get(action="artifact.check_retried", target_id=artifact.pk)
    assert (event.from_status, event.to_status) == ("refused", "checking")
    # Accepted, there is nothing left to retry.
    assert retry_url(artifact) not in evidence_page(educator_client, submission)
    response = educator_client.post(retry_url(artifact), follow=True)
    assert "there is no refusal to check again" in response.content.decode()


def test_another_educator_cannot_retry_the_check(
    client,
    other_educator,
    educator_client,
    submission,
    s3_storage,
    django_capture_on_commit_callbacks,
):
    artifact = refused_because_the_scanner_was_down(
        educator_client, submission, b"x" * 100, django_capture_on_commit_callbacks
    )
    client.force_login(other_educator)
    assert client.post(retry_url(artifact)).status_code == 404
    assert Artifact.objects.get(pk=artifact.pk).status == Artifact.Status.REFUSED


def test_retry_takes_only_a_post(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    artifact = refused_because_the_scanner_was_down(
        educator_client, submission, b"x" * 100, django_capture_on_commit_callbacks
    )
    assert educator_client.get(retry_url(artifact)).status_code == 405
