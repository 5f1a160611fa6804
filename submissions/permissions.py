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
