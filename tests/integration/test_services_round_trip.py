"""The real parts under the app: a Celery worker on Redis, and the S3 server."""

import urllib.request

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_email_task_goes_through_redis_and_the_worker(celery_worker_real, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from outbox.models import OutboxMessage
    from outbox.services import mail_enqueue
    from outbox.tasks import mail_deliver

    queued = mail_enqueue(
        to=["educator@example.org"], subject="Plan approved", text="Your plan was approved."
    )
    message = OutboxMessage.objects.get(task=mail_deliver.name, args=[queued.pk])
    assert message.sent_at is not None
    assert mail_deliver.AsyncResult(str(message.task_id)).get(timeout=30) is True
    assert mail.outbox[-1].subject == "Plan approved"
    assert celery_worker_real.conf.broker_url.startswith("redis://")


@pytest.mark.integration
def test_a_file_round_trips_through_the_s3_server(s3_storage):
    name = default_storage.save("round-trip/hello.txt", ContentFile(b"student work, privately"))
    assert s3_storage["endpoint"] in default_storage.url(name)
    with default_storage.open(name) as stored:
        assert stored.read() == b"student work, privately"
    # Private: the plain object URL is refused, the presigned one works.
    plain = f"{s3_storage['endpoint']}/{s3_storage['bucket']}/{name}"
    listed = s3_storage["client"].get_object_acl(Bucket=s3_storage["bucket"], Key=name)
    assert all(g["Grantee"].get("URI", "").endswith("AllUsers") is False for g in listed["Grants"])
    with urllib.request.urlopen(default_storage.url(name)) as response:
        assert response.read() == b"student work, privately"
    assert plain != default_storage.url(name)
    default_storage.delete(name)
    assert not default_storage.exists(name)
