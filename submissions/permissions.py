"""Object access for an educator's submissions: their own, in their own district, or 404."""

from django.http import Http404

from accounts.models import User

from .models import Submission


def get_submission_for_user(user: User, pk: int) -> Submission:
    """The educator's own submission ``pk``; another educator's or district's is a 404."""
    try:
        return Submission.objects.select_related(
            "plan", "plan__microcredential", "plan__lead", "district", "educator"
        ).get(pk=pk, educator=user, district_id=user.district_id)
    except Submission.DoesNotExist:
        raise Http404("No such plan.") from None


def get_proposal_submission_for_user(user: User, pk: int) -> Submission:
    """The lead's own submission ``pk`` whose plan is for a micro-credential they proposed
    themselves; any other plan has no proposal of theirs (404)."""
    submission = get_submission_for_user(user, pk)
    entry = submission.plan.microcredential
    if entry.created_by_id != user.pk or submission.plan.lead_id != user.pk:
        raise Http404("This plan has no proposal of yours.")
    return submission
