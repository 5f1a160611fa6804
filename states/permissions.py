"""Object access of the state pages: a district of the state admin's own state, or a 404;
anyone who is not a state admin gets 403."""

from django.shortcuts import get_object_or_404

from accounts.models import District, Role, State, User
from accounts.permissions import require_role
from credentials.models import StateCatalogEntry


def get_state_for_user(user: User) -> State:
    """The state of a state admin (checked: 403 for anyone else)."""
    require_role(user, Role.STATE_ADMIN)
    return user.state


def get_district_for_state_admin(user: User, pk: int) -> District:
    state = get_state_for_user(user)
    return get_object_or_404(District, pk=pk, state_id=state.pk)


def get_state_entry_for_state_admin(user: User, pk: int) -> StateCatalogEntry:
    state = get_state_for_user(user)
    return get_object_or_404(StateCatalogEntry, pk=pk, state_id=state.pk)
