"""A failed delivery is retried with exponential backoff and jitter for a day, then given up; a
receiver's Retry-After can only push a retry later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webhooks.services import RETRY_JITTER, next_attempt, retry_schedule

START = timezone.now()


def test_the_retries_double_from_thirty_seconds_up_to_four_hours_for_a_day():
    offsets = retry_schedule()
    delays = [b - a for a, b in zip([timedelta(0), *offsets], offsets, strict=False)]
    assert delays[:5] == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    assert max(delays) == timedelta(hours=4)
    assert all(later >= earlier for earlier, later in zip(delays[:-2], delays[1:-1], strict=True))
    assert offsets[-1] == timedelta(days=1)
    # The first attempt and fourteen retries: the last at 20h15m, then one at the end of the day.
    assert len(offsets) == 14


@pytest.mark.parametrize(
    ("failed_after", "retried_after"),
    [
        (timedelta(0), timedelta(seconds=30)),
        (timedelta(seconds=31), timedelta(seconds=90)),
        (timedelta(minutes=5), timedelta(seconds=450)),
        (timedelta(hours=23, minutes=59), timedelta(days=1)),
    ],
)
def test_the_next_attempt_is_the_next_step_of_the_schedule(failed_after, retried_after):
    exact = next_attempt(retry_from=START, now=START + failed_after, spread=0.0)
    assert exact == START + retried_after


def test_a_retry_comes_up_to_a_tenth_of_its_wait_later_at_random_never_past_the_day():
    failed = START + timedelta(minutes=5)  # the schedule's next step: 7m30s after START
    latest = next_attempt(retry_from=START, now=failed, spread=1.0)
    assert latest == START + timedelta(seconds=450) + timedelta(seconds=150) * RETRY_JITTER
    drawn = {next_attempt(retry_from=START, now=failed) for _ in range(20)}
    assert len(drawn) > 1 and all(START + timedelta(seconds=450) <= at <= latest for at in drawn)
    end = next_attempt(retry_from=START, now=START + timedelta(hours=23), spread=1.0)
    assert end == START + timedelta(days=1)


def test_after_a_day_the_delivery_is_given_up():
    assert next_attempt(retry_from=START, now=START + timedelta(days=1)) is None


def test_retry_after_pushes_the_retry_later_but_not_past_the_day():
    def retry(now, seconds):
        return next_attempt(retry_from=START, now=now, retry_after=seconds, spread=0.0)

    assert retry(START, 600) == START + timedelta(seconds=600)
    assert retry(START, 5) == START + timedelta(seconds=30)
    assert retry(START + timedelta(hours=23), 7200) == START + timedelta(days=1)


@pytest.mark.django_db
def test_a_receiver_down_all_day_is_given_up_and_waits_for_a_replay(
    subscribe, educator, django_capture_on_commit_callbacks
):
    from badges.services import award_issue_for_submission
    from tests.badges.factories import earned_submission
    from webhooks.models import WebhookDelivery
    from webhooks.tasks import deliver_due_webhooks

    subscribe("http://127.0.0.1:9/hooks")  # nothing listens on the discard port
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.next_attempt_at is not None

    # The day is over: the last attempt fails, and nothing is scheduled after it.
    WebhookDelivery.objects.update(
        retry_from=timezone.now() - timedelta(days=1, seconds=1), next_attempt_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due_webhooks()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at is None and delivery.gave_up_at is not None
    assert delivery.state_label == "Given up after a day of failures"
    assert deliver_due_webhooks() == 0
