"""Object access for an educator's submissions: their own, in their own district, or 404."""

from django.http import Http404

from accounts.models import User
from microcreds.prepared import PreparedQuery

from .models import Submission


def _own(educator_id: int, pk: int):
    return Submission.objects.select_related("plan", "plan__microcredential").filter(
        educator_id=educator_id, pk=pk
    )


# Every plan page, autosave and action reads its submission: the SQL is built once per process
# (microcreds.prepared). In their district; and, to read, in any.
_own_in_district = PreparedQuery(
    lambda educator_id, pk, district_id: _own(educator_id, pk).filter(district_id=district_id),
    int,
    int,
    int,
)
_own_anywhere = PreparedQuery(_own, int, int)


def get_submission_for_user(user: User, pk: int, *, to_read: bool = False) -> Submission:
    """The educator's own submission ``pk`` of their district; another educator's, or another
    district's, is a 404.

    ``to_read``: also their own of a district they have left. It stays that district's record
    (closed by the move if it was under way), which they read and never change: every page and
    action that changes a plan asks without it."""
    if to_read:
        submission = _own_anywhere.first(user.pk, pk)
    elif user.district_id is not None:
        submission = _own_in_district.first(user.pk, pk, user.district_id)
    else:
        submission = None
    if submission is None:
        raise Http404("No such plan.")
    # The user's own: it knows its educator without a join.
    Submission.educator.field.set_cached_value(submission, user)
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
