"""Object access of the district admin's people pages: a person, building or goal of their own
district, or a 404."""

from django.shortcuts import get_object_or_404

from accounts.models import Building, DistrictGoal, Role, User
from accounts.permissions import require_role


def get_person_for_admin(user: User, pk: int) -> User:
    person = get_object_or_404(User, pk=pk, district_id=user.district_id)
    require_role(user, Role.DISTRICT_ADMIN)
    return person


def get_building_for_admin(user: User, pk: int) -> Building:
    building = get_object_or_404(Building, pk=pk, district_id=user.district_id)
    require_role(user, Role.DISTRICT_ADMIN)
    return building


def get_goal_for_admin(user: User, pk: int) -> DistrictGoal:
    goal = get_object_or_404(DistrictGoal, pk=pk, district_id=user.district_id)
    require_role(user, Role.DISTRICT_ADMIN)
    return goal
