"""Reads for people and districts, always scoped to the reader's district."""

from django.db.models import QuerySet

from .models import Building, DistrictGoal, Role, User


def people_for_user(user: User) -> QuerySet[User]:
    return User.objects.filter(district_id=user.district_id).select_related("building")


def buildings_for_user(user: User) -> QuerySet[Building]:
    return Building.objects.filter(district_id=user.district_id)


def goals_for_user(user: User) -> QuerySet[DistrictGoal]:
    return DistrictGoal.objects.filter(district_id=user.district_id, active=True)


def home_url_name_for(user: User) -> str:
    """The dashboard a person lands on after sign-in: their most responsible role first."""
    if user.has_role(Role.DISTRICT_ADMIN):
        return "accounts:admin_dashboard"
    if user.has_role(Role.REVIEWER):
        return "reviews:queue"
    if user.has_role(Role.EDUCATOR):
        return "submissions:dashboard"
    return "accounts:no_role"


def district_counts(*, district) -> dict[str, int]:
    """The admin dashboard's numbers, in one query per table."""
    from credentials.models import MicroCredential
    from submissions.models import Submission

    S = Submission.Status
    closed = [S.EARNED, S.DECLINED, S.WITHDRAWN]
    return {
        "people": User.objects.filter(district=district, is_active=True).count(),
        "buildings": Building.objects.filter(district=district).count(),
        "published": MicroCredential.objects.filter(
            district=district, status=MicroCredential.Status.PUBLISHED
        ).count(),
        "open_submissions": Submission.objects.filter(district=district)
        .exclude(status__in=closed)
        .count(),
        "earned": Submission.objects.filter(district=district, status=S.EARNED).count(),
    }
