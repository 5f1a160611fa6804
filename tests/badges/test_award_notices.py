"""An educator hears of their award issued and of its revocation, in the app and by e-mail; a
deactivated educator still does, by e-mail: the credential stays theirs after they leave."""

import pytest
from django.urls import reverse

from badges.services import award_issue_for_submission, award_revoke
from notifications.models import Notification
from people.services import person_deactivate
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db


def _deactivated(educator, admin):
    person_deactivate(person=educator, actor=admin)
    educator.refresh_from_db()
    assert not educator.is_active


@pytest.mark.parametrize("deactivated", [False, True], ids=["active", "deactivated"])
def test_the_educator_is_told_their_award_is_issued(
    deactivated, educator, district_admin, mailoutbox, django_capture_on_commit_callbacks
):
    submission = earned_submission(educator=educator)
    if deactivated:
        _deactivated(educator, district_admin)

    with django_capture_on_commit_callbacks(execute=True):
        award = award_issue_for_submission(submission_id=submission.pk)

    notice = Notification.objects.get(recipient=educator, kind=Notification.Kind.AWARD_ISSUED)
    assert notice.url == reverse("badges:portfolio")
    [mail] = mailoutbox
    assert mail.to == [educator.email]
    assert mail.subject == "Your certificate and badge for “Classroom Routines” are ready"
    assert f"/verify/{award.uuid}/" in mail.body


@pytest.mark.parametrize("deactivated", [False, True], ids=["active", "deactivated"])
def test_the_educator_is_told_their_award_was_revoked_and_why(
    deactivated,
    educator,
    issued_award,
    district_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    if deactivated:
        _deactivated(educator, district_admin)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        award_revoke(
            award=issued_award, reason="Evidence was another plan's.", actor=district_admin
        )

    notice = Notification.objects.get(recipient=educator, kind=Notification.Kind.AWARD_REVOKED)
    # A page anyone opens, signed in or not: a deactivated educator can no longer sign in.
    assert notice.url == reverse("badges:verify", kwargs={"award_uuid": issued_award.uuid})
    [mail] = mailoutbox
    assert mail.to == [educator.email]
    assert mail.subject == "Your award “Classroom Routines” was revoked"
    assert "Evidence was another plan's." in mail.body
    assert f"/verify/{issued_award.uuid}/" in mail.body
