"""Deliveries against a real receiver that fails, goes down and recovers: every event arrives
once, signed so that a receiver knowing only the secret can check it."""

import json

import pytest
from django.utils import timezone

from badges.services import award_issue_for_submission, award_revoke
from submissions.models import Submission
from submissions.transitions import submission_move
from tests.badges.factories import earned_submission
from tests.submissions.factories import SubmissionFactory, complete_plan
from tests.webhooks.receiver import verify
from webhooks.models import EventType, WebhookDelivery
from webhooks.services import subscription_rotate_secret
from webhooks.tasks import deliver_due_webhooks, deliver_webhook

pytestmark = pytest.mark.django_db


def time_passes() -> None:
    """The retries' time has come (instead of waiting for it)."""
    WebhookDelivery.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now()
    )


def events_happen(educator, district_admin, capture) -> None:
    """A plan submitted; an earned plan's award issued, then revoked: three events."""
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    complete_plan(submission.plan)
    with capture(execute=True):
        submission_move(
            submission_id=submission.pk,
            to_status=Submission.Status.PLAN_SUBMITTED,
            actor=educator,
            action="submission.submit_plan",
        )
    earned = earned_submission(educator=educator)
    with capture(execute=True):
        award = award_issue_for_submission(submission_id=earned.pk)
    with capture(execute=True):
        award_revoke(award=award, reason="Issued in error.", actor=district_admin)


def test_a_receiver_that_fails_then_is_down_then_recovers_gets_each_event_once(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    _, secret = subscribe(receiver.url)
    receiver.status = 500

    events_happen(educator, district_admin, django_capture_on_commit_callbacks)

    deliveries = WebhookDelivery.objects.all()
    assert sorted(d.event_type for d in deliveries) == sorted(
        [EventType.PLAN_SUBMITTED, EventType.AWARD_ISSUED, EventType.AWARD_REVOKED]
    )
    assert all(d.attempts == 1 and d.last_status_code == 500 for d in deliveries)
    assert all(d.next_attempt_at > timezone.now() for d in deliveries)
    assert len(receiver.received) == 3 and not receiver.accepted()

    receiver.stop()
    time_passes()
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due_webhooks()
    for delivery in WebhookDelivery.objects.all():
        assert delivery.attempts == 2
        assert delivery.last_status_code is None
        assert "ConnectionRefused" in delivery.last_error
        assert delivery.delivered_at is None and delivery.next_attempt_at is not None

    receiver.status = 200
    receiver.start()
    time_passes()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_due_webhooks() == 3
    # Beat again, and a task delivered twice by the broker: nothing is sent again.
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_due_webhooks() == 0
    for delivery in WebhookDelivery.objects.all():
        assert deliver_webhook(delivery.pk) is False

    accepted = receiver.accepted()
    ids = [request.headers["webhook-id"] for request in accepted]
    assert len(ids) == len(set(ids)) == 3
    assert {json.loads(r.body)["type"] for r in accepted} == {
        "plan.submitted",
        "award.issued",
        "award.revoked",
    }
    # Every attempt of an event carries its one id.
    for delivery in WebhookDelivery.objects.all():
        assert delivery.delivered_at is not None and delivery.attempts == 3
        sent = [r for r in receiver.received if r.headers["webhook-id"] == delivery.event_id]
        assert len(sent) == 2  # the 500, then the delivery (the refused one never arrived)
    for request in receiver.received:
        assert verify(secret=secret, headers=request.headers, body=request.body)
        assert request.headers["content-type"] == "application/json"


def test_the_payload_says_what_happened(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    subscribe(receiver.url)
    events_happen(educator, district_admin, django_capture_on_commit_callbacks)

    by_type = {json.loads(r.body)["type"]: json.loads(r.body) for r in receiver.accepted()}
    submitted = by_type["plan.submitted"]["data"]["submission"]
    assert submitted["status"] == "plan_submitted"
    assert submitted["previous_status"] == "draft"
    assert submitted["educator"]["email"] == educator.email
    revoked = by_type["award.revoked"]["data"]["award"]
    assert revoked["revocation_reason"] == "Issued in error."
    assert revoked["verification_url"].endswith(f"/verify/{revoked['id']}/")
    assert by_type["award.issued"]["data"]["award"]["revoked_at"] is None
    assert by_type["award.issued"]["timestamp"]


def test_a_tampered_body_or_timestamp_or_another_secret_fails_verification(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    _, secret = subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    _, other_secret = subscribe(receiver.url + "/other", events=[EventType.AWARD_REVOKED])
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    (request,) = receiver.received
    assert verify(secret=secret, headers=request.headers, body=request.body)

    tampered = request.body.replace(b'"award.issued"', b'"award.revoked"')
    assert not verify(secret=secret, headers=request.headers, body=tampered)
    later = {
        **request.headers,
        "webhook-timestamp": str(int(request.headers["webhook-timestamp"]) + 1),
    }
    assert not verify(secret=secret, headers=later, body=request.body)
    other_id = {**request.headers, "webhook-id": "msg_0000"}
    assert not verify(secret=secret, headers=other_id, body=request.body)
    assert not verify(secret=other_secret, headers=request.headers, body=request.body)


def test_after_a_rotation_both_secrets_verify_for_a_day(
    receiver, subscribe, educator, district_admin, django_capture_on_commit_callbacks
):
    subscription, old_secret = subscribe(receiver.url)
    new_secret = subscription_rotate_secret(subscription=subscription, actor=district_admin)
    assert new_secret != old_secret and new_secret.startswith("whsec_")
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    (request,) = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verify(secret=new_secret, headers=request.headers, body=request.body)
    assert verify(secret=old_secret, headers=request.headers, body=request.body)


def test_a_receiver_that_does_not_answer_in_time_is_a_failure_retried_later(
    receiver, subscribe, educator, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    delivery = WebhookDelivery.objects.get()
    assert (timezone.now() - started).total_seconds() < 5
    assert "timed out" in delivery.last_error
    assert delivery.delivered_at is None and delivery.next_attempt_at > timezone.now()


def test_a_redirect_is_not_followed(
    receiver, subscribe, educator, django_capture_on_commit_callbacks
):
    receiver.status = 302
    receiver.extra_headers = {"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"}
    subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    assert [r.path for r in receiver.received] == ["/hooks/microcreds"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 302
    assert delivery.delivered_at is None and delivery.next_attempt_at is not None


def test_a_receiver_that_answers_gone_disables_its_subscription(
    receiver, subscribe, educator, django_capture_on_commit_callbacks
):
    receiver.status = 410
    subscription, _ = subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    subscription.refresh_from_db()
    assert not subscription.active
    assert "410" in subscription.disabled_reason
    time_passes()
    assert deliver_due_webhooks() == 0
    assert len(receiver.received) == 1


def test_beat_hands_a_due_retry_once_and_again_only_if_that_seems_lost(
    receiver, subscribe, educator, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from outbox.models import OutboxMessage
    from webhooks.services import HANDED_LEASE

    receiver.status = 500
    subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    time_passes()
    queued = OutboxMessage.objects.filter(task=deliver_webhook.name)
    before = queued.count()

    # The worker has not taken it yet: three beat runs hand it once.
    assert [deliver_due_webhooks() for _ in range(3)] == [1, 0, 0]
    assert queued.count() == before + 1
    # Still not attempted long after: that task was lost; it is handed again.
    WebhookDelivery.objects.update(handed_at=timezone.now() - HANDED_LEASE - timedelta(1))
    assert deliver_due_webhooks() == 1


def test_the_readmes_verification_snippet_verifies_a_real_delivery(
    receiver, subscribe, educator, django_capture_on_commit_callbacks
):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - the README's own example, run as a reader would
    readme_verify = namespace["verify"]

    _, secret = subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    (request,) = receiver.received
    assert readme_verify(secret, request.headers, request.body)
    assert not readme_verify(secret, request.headers, request.body + b" ")


def test_a_process_that_dies_after_the_commit_loses_no_event(
    receiver, subscribe, educator, django_capture_on_commit_callbacks
):
    """The change commits, then the process dies before its after-commit send: the outbox's
    beat relay sends it, and the webhooks' own beat finds it too after its lease; once."""
    from datetime import timedelta

    from outbox.services import outbox_relay
    from webhooks.services import HANDED_LEASE

    subscribe(receiver.url, events=[EventType.AWARD_ISSUED])
    with django_capture_on_commit_callbacks(execute=False):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 0

    # The webhooks' beat, once the hand-off is long overdue (the outbox relay has not run).
    WebhookDelivery.objects.update(handed_at=timezone.now() - HANDED_LEASE - timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_due_webhooks() == 1
    # The outbox's beat relay then sends the first hand-off too: nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        outbox_relay()

    assert [r.headers["webhook-id"] for r in receiver.accepted()] == [delivery.event_id]
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 1
