"""Object storage down while a file waits in quarantine: the check is retried, and after the last
retry the file is refused with a reason to check it again later, never left "checking"."""

import pytest
from celery.exceptions import Retry
from django.urls import reverse

from artifacts import storage
from artifacts.models import Artifact
from artifacts.services import StorageUnavailable
from artifacts.tasks import check_artifact
from tests.conftest import free_port

from .conftest import finish, post_to_storage, start

pytestmark = pytest.mark.integration


@pytest.fixture
def storage_down(settings, monkeypatch):
    """Point the app at a loopback port nobody listens on; ``up()`` restores the real server."""
    real = settings.AWS_S3_ENDPOINT_URL
    # boto3 would otherwise back off between its own attempts before raising.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    def down() -> None:
        settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"

    def up() -> None:
        settings.AWS_S3_ENDPOINT_URL = real

    return down, up


def test_past_the_last_retry_a_file_storage_could_not_give_back_is_refused_then_removed(
    educator_client, submission, s3_storage, storage_down, django_capture_on_commit_callbacks
):
    down, up = storage_down
    data = b"Unit plan, week two.\n" * 50
    grant = start(educator_client, submission, "unit-plan.txt", len(data)).json()
    post_to_storage(grant, "unit-plan.txt", data)
    with django_capture_on_commit_callbacks(execute=False):
        assert finish(educator_client, grant).status_code == 200
    artifact = Artifact.objects.get(uuid=grant["uuid"])
    quarantined = artifact.storage_key
    assert artifact.status == Artifact.Status.CHECKING

    down()
    with pytest.raises(Retry, match="file storage could not be reached"):
        check_artifact.delay(artifact.pk)
    result = check_artifact.apply(args=[artifact.pk], retries=check_artifact.max_retries)
    assert result.get() == Artifact.Status.REFUSED
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason == StorageUnavailable.reason
    assert "press Retry in a little while to check it again, or remove it" in (
        artifact.refusal_reason
    )
    # The file is kept: Retry checks it again, removing the artifact deletes it.
    assert artifact.storage_key == quarantined
    assert artifact.may_retry_check

    up()
    assert storage.size_of(quarantined) == len(data)
    delete_url = reverse("artifacts:delete", kwargs={"uuid": artifact.uuid})
    with django_capture_on_commit_callbacks(execute=True):
        removed = educator_client.post(delete_url, follow=True)
    assert "“unit-plan.txt” removed." in removed.content.decode()
    assert not Artifact.objects.filter(pk=artifact.pk).exists()
    assert storage.size_of(quarantined) is None
