"""A deactivated person hears nothing of the work they left (reviews, a chair's decisions,
their plans under way), in the app or by e-mail; what concerns their own credential still
reaches them (tests/badges/test_award_notices.py). One table classifies every kind."""

import pytest
from django.db import transaction

from notifications import services
from notifications.models import REACHES_THE_DEACTIVATED, Notification
from people.services import person_deactivate
from reviews import services as review_services
from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import DistrictAdminFactory, ReviewerFactory
from tests.reviews.factories import PanelFactory, submission_in

from .factories import note_for

Kind = Notification.Kind
pytestmark = pytest.mark.django_db

CREDENTIAL_KINDS = {Kind.AWARD_ISSUED, Kind.AWARD_REVOKED}


@pytest.fixture
def admin(district):
    return DistrictAdminFactory(district=district, email="ada@pv.example.org")


def test_every_kind_of_notice_is_classified_and_only_credentials_reach_the_deactivated():
    assert set(REACHES_THE_DEACTIVATED) == set(Kind.values)
    assert {kind for kind, reaches in REACHES_THE_DEACTIVATED.items() if reaches} == (
        CREDENTIAL_KINDS
    )


@pytest.mark.parametrize("kind", sorted(set(Kind.values) - CREDENTIAL_KINDS))
def test_a_deactivated_person_gets_no_notice_of_work(
    kind, educator, admin, django_capture_on_commit_callbacks, mailoutbox
):
    person_deactivate(person=educator, actor=admin)
    educator.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        told = services.notify(
            recipient=educator,
            kind=kind,
            title="Something happened",
            body="Body.",
            url="/",
            event_key=f"work:{kind}",
        )

    assert told is None
    assert not Notification.objects.filter(recipient=educator).exists()
    assert mailoutbox == []


@pytest.mark.parametrize("kind", sorted(CREDENTIAL_KINDS))
def test_a_deactivated_person_still_gets_the_e_mail_of_a_notice_about_their_credential(
    kind, educator, admin, django_capture_on_commit_callbacks, mailoutbox
):
    person_deactivate(person=educator, actor=admin)
    educator.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        told = services.notify(
            recipient=educator,
            kind=kind,
            title="Your award",
            body="Body.",
            url="/verify/",
            event_key=f"credential:{kind}",
        )

    assert told is not None
    [mail] = mailoutbox
    assert mail.to == [educator.email] and mail.subject == "Your award"


def test_deactivated_before_its_e_mail_went_out_the_notice_is_not_mailed(
    educator, admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = note_for(educator)
    person_deactivate(person=educator, actor=admin)

    for callback in callbacks:
        callback()

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mailoutbox == []


def test_an_educator_deactivated_with_a_plan_under_review_is_not_told_its_decision(
    district, educator, admin, django_capture_on_commit_callbacks, mailoutbox
):
    reviewer = ReviewerFactory(district=district, building=None)
    PanelFactory(district=district, members=[reviewer])
    submission = submission_in(Submission.Status.PLAN_SUBMITTED, educator=educator)
    assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(submission=submission)
    person_deactivate(person=educator, actor=admin)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_services.plan_decide(
            assignment=assignment, decision="approve", reason="", actor=reviewer
        )

    submission.refresh_from_db()
    assert submission.status == Submission.Status.PLAN_APPROVED  # the panel's work is recorded
    assert not Notification.objects.filter(recipient=educator).exists()
    assert educator.email not in [address for mail in mailoutbox for address in mail.to]
