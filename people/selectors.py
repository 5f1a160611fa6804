"""Reads for the district admin's pages: the dashboard's numbers, and a district's people with
their invitation state."""

from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import Building, District, DistrictGoal, User
from badges.selectors import counting_awards
from credentials.selectors import published_count
from submissions.selectors import district_submission_counts

from .services import last_invited_subquery


def district_counts(*, district: District, at: datetime) -> dict:
    """The admin dashboard's numbers at ``at``, in one query per table; each app counts its own.
    ``earned_until``: when an earned award next expires by itself (None: none will), the
    moment the numbers stop holding even if nothing is written."""
    awards = counting_awards(district_id=district.pk, at=at)
    return {
        "people": User.objects.filter(district=district, is_active=True).count(),
        "buildings": Building.objects.filter(district=district).count(),
        "published": published_count(district=district),
        **district_submission_counts(district=district),
        # Held, not merely decided: a revoked or expired award is no longer earned.
        "earned": awards["count"],
        "earned_until": awards["counts_until"],
    }


def people_list(
    *,
    district: District,
    q: str = "",
    building: Building | None = None,
    role: str = "",
    status: str = "",
) -> QuerySet[User]:
    people = (
        User.objects.filter(district_id=district.pk)
        .select_related("building")
        .annotate(last_invited_at=last_invited_subquery())
        .order_by("last_name", "first_name", "email")
    )
    if q:
        people = people.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    if building is not None:
        people = people.filter(building_id=building.pk)
    if role:
        people = people.filter(**{f"is_{role}": True})
    if status == "inactive":
        people = people.filter(is_active=False)
    elif status == "invited":
        people = people.filter(is_active=True, last_login__isnull=True)
    elif status != "all":
        people = people.filter(is_active=True)
    return people


def buildings_with_counts(*, district: District) -> QuerySet[Building]:
    from django.db.models import Count

    return Building.objects.filter(district_id=district.pk).annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    )


def goals_of_district(*, district: District) -> QuerySet[DistrictGoal]:
    from django.db.models import Count

    return DistrictGoal.objects.filter(district_id=district.pk).annotate(plan_count=Count("plans"))
