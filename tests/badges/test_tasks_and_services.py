import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from badges.models import Award
from badges.services import AwardError, award_issue_for_submission, award_revoke
from badges.tasks import issue_award
from outbox.services import outbox_enqueue
from submissions.models import Submission
from submissions.transitions import submission_move
from tests.badges.factories import earned_submission
from tests.submissions.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_issue_award_task_is_safe_against_lost_workers():
    assert issue_award.acks_late is True
    assert issue_award.reject_on_worker_lost is True
    assert issue_award.autoretry_for == (Exception,)
    assert issue_award.retry_backoff is True


def test_the_earned_transition_hands_off_to_issuance(
    educator, reviewer, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(
        educator=educator, plan__lead=educator, status=Submission.Status.SUBMITTED_FOR_REVIEW
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_move(
            submission_id=submission.pk,
            to_status=Submission.Status.EARNED,
            actor=reviewer,
            action="review.earned",
            side_effects=lambda saved: outbox_enqueue(task=issue_award, args=[saved.pk]),
        )
    award = Award.objects.get(submission=submission)
    assert award.state == Award.State.ISSUED


def test_an_uploaded_badge_image_is_used(educator):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 10, 10)).save(buffer, "PNG")
    name = default_storage.save("badges/images/red.png", ContentFile(buffer.getvalue()))
    submission = earned_submission(educator=educator)
    microcredential = submission.plan.microcredential
    microcredential.badge_image.name = name
    microcredential.save()

    award = award_issue_for_submission(submission_id=submission.pk)

    with default_storage.open(award.badge_png_key, "rb") as handle:
        baked = Image.open(io.BytesIO(handle.read())).convert("RGB")
    assert baked.size == (600, 600)
    assert baked.getpixel((300, 300)) == (200, 10, 10)


def test_a_generated_badge_uses_the_stack_color(issued_award):
    with default_storage.open(issued_award.badge_png_key, "rb") as handle:
        baked = Image.open(io.BytesIO(handle.read())).convert("RGB")
    assert baked.getpixel((300, 80)) == (0x2A, 0x6F, 0x4E)


def test_revoking_twice_is_refused(issued_award, district_admin):
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    with pytest.raises(AwardError):
        award_revoke(award=issued_award, reason="Again.", actor=district_admin)


def test_only_an_admin_of_the_district_revokes(issued_award, outsider_admin, reviewer):
    from django.core.exceptions import PermissionDenied

    for person in [outsider_admin, reviewer, issued_award.educator]:
        with pytest.raises(PermissionDenied):
            award_revoke(award=issued_award, reason="No.", actor=person)
    issued_award.refresh_from_db()
    assert not issued_award.is_revoked


def test_the_task_does_not_retry_what_cannot_succeed(educator):
    submission = SubmissionFactory(educator=educator, plan__lead=educator)
    assert issue_award.delay(submission.pk).get() is None
    assert issue_award.delay(987654321).get() is None
    assert not Award.objects.exists()
