"""Reads for the district admin's pages: the dashboard's numbers, and a district's people with
their invitation state."""

from datetime import datetime

from django.db import models
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Building, District, DistrictGoal, User, awaits_invitation
from badges.selectors import counting_awards
from credentials.selectors import published_count
from reviews.selectors import waiting_review_counts
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


class PersonStatus(models.TextChoices):
    """A person's status on the people list: its badges and its status filter read this one
    rule (``person_status``)."""

    ACTIVE = "active", "Active"
    INVITED = "invited", "Invited"
    NOT_INVITED = "not_invited", "Not invited"
    DEACTIVATED = "inactive", "Deactivated"


# The status filter's choices besides one status: everyone but the deactivated (the list as it
# opens), and everyone.
CURRENT, EVERYONE = "", "all"


def person_status() -> Case:
    """Each person's ``PersonStatus``, for a queryset annotated with ``last_invited_at``:
    deactivated; else, while they await an invitation (``User.awaits_invitation``), invited or
    not yet; else active."""
    waiting = awaits_invitation()
    return Case(
        When(is_active=False, then=Value(PersonStatus.DEACTIVATED)),
        When(waiting & Q(last_invited_at__isnull=False), then=Value(PersonStatus.INVITED)),
        When(waiting, then=Value(PersonStatus.NOT_INVITED)),
        default=Value(PersonStatus.ACTIVE),
        output_field=models.CharField(),
    )


def people_list(
    *,
    district: District,
    q: str = "",
    building: Building | None = None,
    role: str = "",
    status: str = CURRENT,
    now=None,
) -> QuerySet[User]:
    """The district's people with their ``person_status``, and for each the reviews waiting for
    them and how many are overdue (what deactivating them hands on), in one query."""
    people = (
        User.objects.filter(district_id=district.pk)
        .select_related("building")
        .annotate(last_invited_at=last_invited_subquery())
        .annotate(
            person_status=person_status(),
            **waiting_review_counts(now=now or timezone.now()),
        )
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
    if status in PersonStatus.values:
        people = people.filter(person_status=status)
    elif status != EVERYONE:
        people = people.exclude(person_status=PersonStatus.DEACTIVATED)
    return people


def buildings_with_counts(*, district: District) -> QuerySet[Building]:
    from django.db.models import Count

    return Building.objects.filter(district_id=district.pk).annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    )


def goals_of_district(*, district: District) -> QuerySet[DistrictGoal]:
    from django.db.models import Count

    return DistrictGoal.objects.filter(district_id=district.pk).annotate(plan_count=Count("plans"))
