"""Reads of the review side, always scoped to the reader's district."""

from django.db.models import Q, QuerySet

from accounts.models import User
from submissions.models import Submission

from .models import Panel, ReviewAssignment, StageReview

ACTIVE = (ReviewAssignment.Status.PENDING, ReviewAssignment.Status.SUBMITTED)


def reviewer_can_see_submission(*, user: User, submission: Submission) -> bool:
    """True for an active reviewer of any stage of ``submission``, or the chair of a panel it
    was assigned through. Reassigned-away reviewers lose access."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.district_id is None or user.district_id != submission.district_id:
        return False
    if ReviewAssignment.objects.filter(
        submission_id=submission.pk, reviewer_id=user.pk, status__in=ACTIVE
    ).exists():
        return True
    return StageReview.objects.filter(submission_id=submission.pk, panel__chair_id=user.pk).exists()


def panels_chaired_by(user: User) -> QuerySet[Panel]:
    return Panel.objects.filter(district_id=user.district_id, chair_id=user.pk)


def stage_reviews_visible_to(user: User) -> QuerySet[StageReview]:
    """Rounds a user may open: assigned to them, chaired by them, or any of their district for
    a district admin."""
    qs = StageReview.objects.filter(district_id=user.district_id)
    if user.is_district_admin and user.is_active:
        return qs
    return qs.filter(
        Q(assignments__reviewer_id=user.pk, assignments__status__in=ACTIVE)
        | Q(panel__chair_id=user.pk)
    ).distinct()
