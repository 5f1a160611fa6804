"""Object access for an educator's submissions: their own, in their own district, or 404."""

from django.http import Http404

from accounts.models import User

from .models import Submission


def get_submission_for_user(user: User, pk: int, *, to_read: bool = False) -> Submission:
    """The educator's own submission ``pk`` of their district; another educator's, or another
    district's, is a 404.

    ``to_read``: also their own of a district they have left. It stays that district's record
    (closed by the move if it was under way), which they read and never change: every page and
    action that changes a plan asks without it."""
    # Through the user's own submissions: each knows its educator (``user``) without a join.
    own = user.submissions.select_related("plan", "plan__microcredential").filter(pk=pk)
    if not to_read:
        own = own.filter(district_id=user.district_id)
    try:
        submission = own.get()
    except Submission.DoesNotExist:
        raise Http404("No such plan.") from None
    # Its district is the user's own, read with them (a district they left is read if asked).
    if submission.district_id == user.district_id:
        submission.district = user.district
    return submission


def get_proposal_submission_for_user(user: User, pk: int) -> Submission:
    """The lead's own submission ``pk`` whose plan is for a micro-credential they proposed
    themselves; any other plan has no proposal of theirs (404)."""
    submission = get_submission_for_user(user, pk)
    entry = submission.plan.microcredential
    if entry.created_by_id != user.pk or submission.plan.lead_id != user.pk:
        raise Http404("This plan has no proposal of yours.")
    return submission
