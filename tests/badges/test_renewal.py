"""Renewal: reminders before an award expires, starting a renewal, and the award it makes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from badges import certificates, keys, open_badges, proofs
from badges.models import RENEWAL_OPENS_BEFORE, Award, RenewalReminder
from badges.services import (
    AwardError,
    award_issue_for_submission,
    award_renewal_start,
    award_revoke,
    renewal_reminders_send,
)
from badges.tasks import send_renewal_reminders
from credentials.models import MicroCredential
from notifications.models import Notification
from people.services import person_deactivate, person_set_active
from submissions.models import Submission
from submissions.selectors import next_step, results_missing
from tests.badges.factories import AwardFactory, earned_submission
from tests.badges.test_schema import validate
from webhooks.events import award_data

pytestmark = pytest.mark.django_db

Status = Submission.Status
Plan = MicroCredential.RenewalPlan


def expiring_award(educator, *, days_left: float, renewal_plan=Plan.IMPACT_REFLECTION) -> Award:
    """An issued award of ``educator`` that expires ``days_left`` days from now (its record:
    the renewal's own award is issued through the service, signed)."""
    submission = earned_submission(educator=educator, valid_for_days=365, renewal_plan=renewal_plan)
    submission.decided_at = timezone.now() - timedelta(days=365 - days_left)
    submission.save(update_fields=["decided_at"])
    return AwardFactory(
        submission=submission, expires_at=submission.decided_at + timedelta(days=365)
    )


def renewal_earned(renewal: Submission) -> Submission:
    """The panel passed the renewal (as its final decision leaves it)."""
    Submission.objects.filter(pk=renewal.pk).update(status=Status.EARNED, decided_at=timezone.now())
    return Submission.objects.get(pk=renewal.pk)


def test_the_beat_task_sends_the_reminders_and_is_scheduled(educator):
    expiring_award(educator, days_left=5)
    assert send_renewal_reminders.delay().get() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["award-renewal-reminders"]
    assert entry["task"] == send_renewal_reminders.name
    assert entry["schedule"] <= 24 * 3600


def test_reminders_at_60_30_and_7_days_each_once(
    educator, mailoutbox, django_capture_on_commit_callbacks
):
    award = expiring_award(educator, days_left=90)
    mailoutbox.clear()
    expires = award.expires_at

    def run(days_before_expiry: float) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return renewal_reminders_send(now=expires - timedelta(days=days_before_expiry))

    assert run(61) == 0
    assert run(59) == 1
    assert run(58) == 0  # the same reminder is never sent twice
    assert run(29.5) == 1
    assert run(29) == 0
    assert run(6) == 1
    assert run(1) == 0
    assert run(-1) == 0  # expired: nothing more
    assert sorted(award.renewal_reminders.values_list("days_before", flat=True)) == [7, 30, 60]
    notes = Notification.objects.filter(recipient=educator, kind=Notification.Kind.RENEWAL_DUE)
    assert notes.count() == 3
    assert {note.url for note in notes} == {f"/badges/awards/{award.uuid}/renew/"}
    assert len(mailoutbox) == 3
    assert all(f"/badges/awards/{award.uuid}/renew/" in mail.body for mail in mailoutbox)
    assert "Renew" in mailoutbox[0].subject
    assert AuditEvent.objects.filter(action="award.renewal_reminded").count() == 3


def test_a_late_first_run_sends_only_the_nearest_reminder(educator):
    award = expiring_award(educator, days_left=20)
    assert renewal_reminders_send() == 1
    assert list(award.renewal_reminders.values_list("days_before", flat=True)) == [30]
    assert renewal_reminders_send() == 0


def test_no_reminder_for_a_revoked_renewed_or_lasting_award(educator, district_admin):
    revoked = expiring_award(educator, days_left=20)
    award_revoke(award=revoked, reason="Issued in error.", actor=district_admin)
    lasting = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    assert lasting.expires_at is None
    renewed = expiring_award(educator, days_left=20)
    renewal, _ = award_renewal_start(award=renewed, actor=educator)
    award_issue_for_submission(submission_id=renewal_earned(renewal).pk)

    assert renewal_reminders_send() == 0
    assert not RenewalReminder.objects.exists()


def test_a_deactivated_educator_is_not_reminded_until_reactivated(educator, district_admin):
    award = expiring_award(educator, days_left=20)
    person_deactivate(person=educator, actor=district_admin)

    assert renewal_reminders_send() == 0
    assert not RenewalReminder.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.RENEWAL_DUE).exists()

    person_set_active(person=educator, actor=district_admin, active=True)
    assert renewal_reminders_send() == 1
    assert list(award.renewal_reminders.values_list("days_before", flat=True)) == [30]


def test_a_run_racing_another_sends_nothing_the_other_sent(educator, monkeypatch):
    """Two beat runs at once: both find the reminder unsent, the other run inserts its record
    first. The unique record (award, day) lets only that one through; this one sends nothing."""
    award = expiring_award(educator, days_left=5)
    RenewalReminder.objects.create(award=award, days_before=7, sent_at=timezone.now())
    unsent = RenewalReminder.objects.none()
    monkeypatch.setattr(
        RenewalReminder.objects, "filter", lambda *args, **kwargs: unsent, raising=False
    )

    assert renewal_reminders_send() == 0
    assert not Notification.objects.filter(kind=Notification.Kind.RENEWAL_DUE).exists()
    assert award.renewal_reminders.count() == 1


def test_renewal_opens_60_days_before_expiry(educator):
    award = expiring_award(educator, days_left=61)
    assert award.renewal_opens_at == award.expires_at - RENEWAL_OPENS_BEFORE
    assert not award.is_renewable
    with pytest.raises(AwardError, match="Renewal opens on"):
        award_renewal_start(award=award, actor=educator)
    assert not Submission.objects.filter(renews__isnull=False).exists()


def test_a_shortened_renewal_starts_in_progress_with_the_plan_carried_over(educator):
    award = expiring_award(educator, days_left=30)
    assert award.is_renewable

    renewal, created = award_renewal_start(award=award, actor=educator)

    assert created
    assert renewal.status == Status.IN_PROGRESS
    assert renewal.renews_id == award.submission_id
    assert renewal.first_earned_at == award.submission.decided_at
    assert renewal.plan_id != award.submission.plan_id
    assert renewal.plan.rationale == award.submission.plan.rationale
    assert renewal.plan.sources.count() == award.submission.plan.sources.count() == 3
    assert AuditEvent.objects.filter(action="submission.renewal_start").count() == 1
    assert AuditEvent.objects.filter(action="award.renewal_started").count() == 1
    # Asking again opens the same renewal.
    again, created = award_renewal_start(award=award, actor=educator)
    assert (again.pk, created) == (renewal.pk, False)


def test_a_full_renewal_starts_as_a_draft_for_pre_approval(educator):
    award = expiring_award(educator, days_left=3, renewal_plan=Plan.FULL)
    renewal, _ = award_renewal_start(award=award, actor=educator)
    assert renewal.status == Status.DRAFT
    assert renewal.required_components == ["impact", "reflection"]


def test_an_expired_award_may_still_be_renewed(educator):
    award = expiring_award(educator, days_left=-10)
    assert award.is_expired and award.is_renewable
    renewal, _ = award_renewal_start(award=award, actor=educator)
    assert renewal.renews_id == award.submission_id


def test_a_reflection_only_renewal_asks_for_the_reflection_alone(educator):
    award = expiring_award(educator, days_left=30, renewal_plan=Plan.REFLECTION)
    renewal, _ = award_renewal_start(award=award, actor=educator)
    missing = dict(results_missing(renewal))
    assert "Impact" not in missing or missing["Impact"] == [
        "Add at least one piece of evidence that has been accepted."
    ]
    assert len(missing["Reflection"]) == 3


def test_only_its_educator_renews_an_award_and_not_a_revoked_one(
    educator, other_educator, district_admin
):
    award = expiring_award(educator, days_left=30)
    with pytest.raises(PermissionDenied):
        award_renewal_start(award=award, actor=other_educator)
    award_revoke(award=award, reason="Issued in error.", actor=district_admin)
    award.refresh_from_db()
    with pytest.raises(AwardError, match="revoked"):
        award_renewal_start(award=award, actor=educator)


def test_the_renewed_award_names_the_old_one_and_counts_in_its_place(educator, district_admin):
    old = expiring_award(educator, days_left=30)
    renewal, _ = award_renewal_start(award=old, actor=educator)

    new = award_issue_for_submission(submission_id=renewal_earned(renewal).pk)

    assert new.renews_id == old.pk
    credential = new.credential
    proofs.verify(credential, public_key=keys.current_key(educator.district).public_key)
    validate(credential)
    entry = open_badges.renewed_credential(credential)
    assert entry["id"].endswith(f"/verify/{old.uuid}/")
    assert entry["name"] == f"Renews urn:uuid:{old.uuid}"
    assert f"It renews the credential urn:uuid:{old.uuid}" in credential["description"]
    # Not one of the pieces of evidence the educator chose to show.
    assert open_badges.shared_evidence(credential) == []
    assert award_data(new)["award"]["renews"] == str(old.uuid)
    html = certificates.certificate_html(new)
    assert "Renews “Classroom Routines”" in html and str(old.uuid) in html

    old.refresh_from_db()
    # The old award expires on its date, not before; it no longer counts beside the new one.
    assert old.verification_status == "valid" and old.is_valid
    assert old.is_superseded and not old.counts
    assert old.submission.award_lapsed == "renewed"
    assert next_step(old.submission).startswith("Earned and renewed")
    assert list(Award.objects.filter(educator=educator).counting()) == [new]
    assert not old.is_renewable and new.is_renewable is False

    # Revoke the renewal: the old award counts again until its own date.
    award_revoke(award=new, reason="Issued in error.", actor=district_admin)
    assert list(Award.objects.filter(educator=educator).counting()) == [old]


def test_after_the_old_date_the_renewal_alone_counts(educator):
    old = expiring_award(educator, days_left=10)
    renewal, _ = award_renewal_start(award=old, actor=educator)
    new = award_issue_for_submission(submission_id=renewal_earned(renewal).pk)
    later = old.expires_at + timedelta(days=1)
    assert list(Award.objects.filter(educator=educator).counting(at=later)) == [new]


def test_the_verification_pages_of_a_renewed_award_and_its_renewal_name_each_other(
    client, educator, django_assert_num_queries
):
    old = expiring_award(educator, days_left=30)
    renewal, _ = award_renewal_start(award=old, actor=educator)
    new = award_issue_for_submission(submission_id=renewal_earned(renewal).pk)
    old_page = reverse("badges:verify", kwargs={"award_uuid": old.uuid})
    new_page = reverse("badges:verify", kwargs={"award_uuid": new.uuid})

    # The award and its relations in one query, the issuer's revocation list in another.
    with django_assert_num_queries(2):
        html = client.get(old_page).content.decode()
    assert f'Renewed by</dt><dd><a href="{new_page}">' in html
    assert f"<dt>Earned by</dt><dd>{educator.display_name}</dd>" in html
    assert "<dt>Issued by</dt><dd>Prairie View USD — Dr. Pat Lee, Superintendent</dd>" in html
    with django_assert_num_queries(2):
        html = client.get(new_page).content.decode()
    assert "<strong>Valid.</strong>" in html
    assert f'Renews</dt><dd><a href="{old_page}">“Classroom Routines”' in html
