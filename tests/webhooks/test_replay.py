"""A replay is a new attempt of the same event, with the same webhook-id."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission
from tests.webhooks.receiver import verify
from webhooks.models import EventType, WebhookDelivery
from webhooks.services import WebhookError, delivery_replay, subscription_set_active

pytestmark = pytest.mark.django_db


def issue(educator, capture):
    with capture(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    return WebhookDelivery.objects.get()


def test_a_replay_sends_the_same_event_with_the_same_id_again(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    _, secret = subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    delivery = issue(educator, django_capture_on_commit_callbacks)
    assert delivery.delivered_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=district_admin)

    first, replayed = receiver.received
    assert replayed.headers["webhook-id"] == first.headers["webhook-id"] == delivery.event_id
    assert json.loads(replayed.body) == json.loads(first.body)
    assert verify(secret=secret, headers=replayed.headers, body=replayed.body)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.replays) == (2, 1)
    assert delivery.next_attempt_at is None


def test_a_replay_after_a_day_of_failures_is_retried_for_a_new_day(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    receiver.status = 503
    subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    delivery = issue(educator, django_capture_on_commit_callbacks)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=None, gave_up_at=delivery.created_at
    )
    delivery.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=district_admin)

    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 503
    assert delivery.gave_up_at is None and delivery.next_attempt_at > delivery.retry_from


def test_a_disabled_subscription_is_not_replayed_to(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    delivery = issue(educator, django_capture_on_commit_callbacks)
    subscription_set_active(subscription=subscription, active=False, actor=district_admin)
    delivery.refresh_from_db()

    with pytest.raises(WebhookError), django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=district_admin)
    assert len(receiver.received) == 1


def test_only_an_admin_of_the_district_replays(
    receiver, subscribe, educator, outsider_admin, django_capture_on_commit_callbacks
):
    subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    delivery = issue(educator, django_capture_on_commit_callbacks)
    for actor in (educator, outsider_admin):
        with pytest.raises(PermissionDenied):
            delivery_replay(delivery=delivery, actor=actor)
