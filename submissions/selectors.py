"""Reads of plans and submissions: above all, what this user may see."""

from django.db.models import QuerySet

from accounts.models import User

from .models import Submission


def submissions_of_educator(user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(educator=user, district_id=user.district_id)
        .select_related("plan", "plan__microcredential")
        .order_by("-status_changed_at", "-id")
    )
