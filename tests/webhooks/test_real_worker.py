"""The same delivery on a real Celery worker over Redis: sent after the commit of the change,
retried by the beat task while the receiver is down, delivered once when it is back."""

import time

import pytest
from django.utils import timezone

from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission
from tests.webhooks.receiver import verify
from webhooks.models import EventType, WebhookDelivery
from webhooks.tasks import deliver_due_webhooks


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_after_the_commit_and_after_the_receiver_recovers(
    celery_worker_real, receiver, subscribe, educator
):
    _, secret = subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    receiver.status = 500
    award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    failed = wait_for(lambda: WebhookDelivery.objects.filter(attempts=1).first())
    assert failed.last_status_code == 500 and failed.delivered_at is None

    receiver.stop()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_due_webhooks.delay().get(timeout=30) == 1
    wait_for(lambda: WebhookDelivery.objects.filter(attempts=2).exists())

    receiver.status = 200
    receiver.start()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_due_webhooks.delay().get(timeout=30) == 1
    delivered = wait_for(lambda: WebhookDelivery.objects.filter(delivered_at__isnull=False).first())
    assert delivered.attempts == 3
    assert deliver_due_webhooks.delay().get(timeout=30) == 0

    (accepted,) = receiver.accepted()
    assert accepted.headers["webhook-id"] == delivered.event_id
    assert verify(secret=secret, headers=accepted.headers, body=accepted.body)
