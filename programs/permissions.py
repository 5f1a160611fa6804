"""Object access of the program rules pages: a rule of the admin's own district, or a 404."""

from django.db import models
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from accounts.permissions import require_role


def get_rule_for_admin(user: User, model: type[models.Model], pk: int) -> models.Model:
    """A cycle, credit rule or renewal rule (``model``) of the user's district."""
    rule = get_object_or_404(model, pk=pk, district_id=user.district_id)
    require_role(user, Role.DISTRICT_ADMIN)
    return rule
