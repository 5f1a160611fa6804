"""Stuck issuance is handed back to the worker by the beat sweep, and the district is told."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from badges import services
from badges.models import ISSUANCE_LONG_WAIT, ISSUANCE_RETRY_AFTER, Award, IssuanceRecovery
from badges.services import _award_record, award_issuance_recover, award_issue_for_submission
from badges.tasks import recover_stuck_issuance
from submissions.models import Submission
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db


def earned_ago(educator, age: timedelta) -> Submission:
    submission = earned_submission(educator=educator)
    submission.decided_at = timezone.now() - age
    submission.save(update_fields=["decided_at"])
    return submission


@pytest.fixture
def hand_offs(monkeypatch) -> list[int]:
    """Hand-offs recorded instead of run: the submission stays stuck, as with a broker down."""
    handed: list[int] = []
    monkeypatch.setattr(services, "_hand_to_issuance", handed.append)
    return handed


def test_an_earned_submission_with_no_award_is_issued_after_the_retry_interval(
    educator, django_capture_on_commit_callbacks
):
    lost = earned_ago(educator, ISSUANCE_RETRY_AFTER + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        handed = award_issuance_recover()

    assert handed == [lost.pk]
    award = Award.objects.get(submission=lost)
    assert award.state == Award.State.ISSUED
    assert IssuanceRecovery.objects.get(submission=lost).requeues == 1
    assert AuditEvent.objects.filter(action="award.issuance_requeued", target_id=lost.pk).exists()


def test_an_award_stuck_in_preparing_is_completed_not_duplicated(
    educator, django_capture_on_commit_callbacks
):
    stuck = earned_ago(educator, ISSUANCE_RETRY_AFTER + timedelta(minutes=5))
    preparing = _award_record(stuck.pk)
    assert preparing.state == Award.State.PREPARING

    with django_capture_on_commit_callbacks(execute=True):
        award_issuance_recover()

    assert Award.objects.filter(submission=stuck).count() == 1
    preparing.refresh_from_db()
    assert preparing.state == Award.State.ISSUED
    assert preparing.certificate_key


def test_recent_and_issued_submissions_are_left_alone(educator, hand_offs):
    earned_ago(educator, ISSUANCE_RETRY_AFTER - timedelta(minutes=1))
    issued = earned_ago(educator, ISSUANCE_LONG_WAIT * 3)
    award_issue_for_submission(submission_id=issued.pk)
    not_yet = earned_ago(educator, ISSUANCE_LONG_WAIT * 3)
    Submission.objects.filter(pk=not_yet.pk).update(status=Submission.Status.NOT_YET)

    assert award_issuance_recover() == []
    assert not IssuanceRecovery.objects.exists()


def test_a_stuck_submission_is_handed_back_once_per_interval(
    educator, hand_offs, django_capture_on_commit_callbacks
):
    stuck = earned_ago(educator, ISSUANCE_RETRY_AFTER + timedelta(minutes=1))
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        first = award_issuance_recover(now=now)
        again_at_once = award_issuance_recover(now=now + timedelta(minutes=5))
        next_round = award_issuance_recover(now=now + ISSUANCE_RETRY_AFTER)

    assert (first, again_at_once, next_round) == ([stuck.pk], [], [stuck.pk])
    assert hand_offs == [stuck.pk, stuck.pk]
    assert IssuanceRecovery.objects.get(submission=stuck).requeues == 2


def test_after_the_long_wait_the_district_admins_are_told_once(
    educator,
    district_admin,
    outsider_admin,
    hand_offs,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    stuck = earned_ago(educator, ISSUANCE_RETRY_AFTER + timedelta(minutes=1))
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        award_issuance_recover(now=now)
    assert mailoutbox == []
    assert IssuanceRecovery.objects.get(submission=stuck).district_told_at is None

    later = now + ISSUANCE_LONG_WAIT
    with django_capture_on_commit_callbacks(execute=True):
        award_issuance_recover(now=later)
        award_issuance_recover(now=later + ISSUANCE_RETRY_AFTER)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [district_admin.email]
    assert educator.display_name in message.subject
    assert reverse("badges:district_awards") in message.body
    assert IssuanceRecovery.objects.get(submission=stuck).district_told_at == later


def test_a_district_without_admins_is_not_marked_as_told(educator, hand_offs, mailoutbox):
    stuck = earned_ago(educator, ISSUANCE_LONG_WAIT + timedelta(minutes=1))

    award_issuance_recover()

    assert mailoutbox == []
    assert IssuanceRecovery.objects.get(submission=stuck).district_told_at is None


def test_the_beat_task_runs_the_sweep(educator, hand_offs, django_capture_on_commit_callbacks):
    stuck = earned_ago(educator, ISSUANCE_RETRY_AFTER + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_issuance.delay().get() == 1
    assert hand_offs == [stuck.pk]
    entry = settings.CELERY_BEAT_SCHEDULE["badge-issuance-recovery"]
    assert entry["task"] == recover_stuck_issuance.name
    assert timedelta(seconds=entry["schedule"]) <= ISSUANCE_RETRY_AFTER


# --- What the educator and the district admin see ---------------------------------------------


def progress(client, submission):
    url = reverse("badges:issuance_progress", kwargs={"submission_id": submission.pk})
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_the_progress_note_says_when_it_takes_longer_than_usual(client, educator, hand_offs):
    slow = earned_ago(educator, ISSUANCE_LONG_WAIT + timedelta(minutes=1))
    client.force_login(educator)

    note = progress(client, slow)
    assert "taking longer than usual" in note
    assert "will be told if it does not come through" in note
    assert 'hx-trigger="every 60s"' in note
    assert "is being prepared" not in note


def test_the_progress_note_says_the_district_has_been_told(
    client, educator, district_admin, hand_offs
):
    slow = earned_ago(educator, ISSUANCE_LONG_WAIT + timedelta(minutes=1))
    award_issuance_recover()
    client.force_login(educator)

    note = progress(client, slow)
    assert "taking longer than usual" in note
    assert "have been told, so you do not need to do anything" in note


def test_the_progress_note_is_only_for_an_earned_submission(client, educator):
    submission = earned_submission(educator=educator)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.NOT_YET)
    client.force_login(educator)
    url = reverse("badges:issuance_progress", kwargs={"submission_id": submission.pk})
    assert client.get(url).status_code == 404


def test_the_portfolio_shows_late_certificates_in_fixed_queries(
    client, educator, django_assert_max_num_queries
):
    for _ in range(3):
        earned_ago(educator, ISSUANCE_LONG_WAIT + timedelta(minutes=1))
    earned_ago(educator, timedelta(minutes=1))
    client.force_login(educator)

    with django_assert_max_num_queries(8):
        body = client.get(reverse("badges:portfolio")).content.decode()

    assert body.count("taking longer than usual") == 3
    assert body.count("is being prepared") == 1


def test_the_district_awards_page_lists_late_certificates(
    client, educator, district_admin, outsider_admin, hand_offs, django_assert_max_num_queries
):
    late = earned_ago(educator, ISSUANCE_LONG_WAIT + timedelta(minutes=1))
    earned_ago(educator, ISSUANCE_LONG_WAIT + timedelta(minutes=2))
    award_issuance_recover()
    client.force_login(district_admin)

    with django_assert_max_num_queries(9):
        body = client.get(reverse("badges:district_awards")).content.decode()

    assert "Certificates still being prepared" in body
    assert body.count(f"<td>{late.plan.microcredential.title}</td>") == 2
    assert "1 time, last" in body
    client.force_login(outsider_admin)
    assert (
        "Certificates still being prepared"
        not in client.get(reverse("badges:district_awards")).content.decode()
    )
