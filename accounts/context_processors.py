from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from .models import Role

# Each role's entries: (label, URL name). The order is the navigation's.
STATE_ITEMS = [
    ("State", "states:dashboard"),
    ("Awards", "states:awards"),
    ("Endorsements", "badges:endorsements"),
    ("New district", "states:district_new"),
]
EDUCATOR_ITEMS = [
    ("My plans", "submissions:dashboard"),
    ("Catalog", "credentials:catalog"),
    ("My badges", "badges:portfolio"),
]
ADMIN_ITEMS = [
    ("District", "people:admin_dashboard"),
    ("Settings", "accounts:district_settings"),
    ("Manage catalog", "credentials:manage"),
    ("Reviews", "reviews:rounds"),
    ("Awards", "badges:district_awards"),
    ("Reports", "reports:index"),
    # Endorsements are a tab of "Manage catalog": the navigation keeps to one row at 1280 px.
]

# The navigation of each set of roles, under each script prefix: the same for every request of
# a process (the URLs are the code's), so reversed once rather than a dozen times a page.
_reversed: dict[tuple, list[tuple[str, str]]] = {}


def nav_items_for(*, state: bool, educator: bool, reviewer: bool, admin: bool) -> list:
    """The base layout's entries for a person with these roles."""
    key = (get_script_prefix(), state, educator, reviewer, admin)
    items = _reversed.get(key)
    if items is None:
        names = []
        if state:
            names += STATE_ITEMS
        if educator:
            names += EDUCATOR_ITEMS
        if reviewer:
            names.append(("Review queue", "reviews:queue"))
            if not educator:
                names.append(("Catalog", "credentials:catalog"))
        if admin:
            names += ADMIN_ITEMS
        items = _reversed[key] = [(label, reverse(name)) for label, name in names]
    return items


def navigation(request: HttpRequest) -> dict:
    """The role-aware navigation of the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": nav_items_for(
            state=user.has_role(Role.STATE_ADMIN),
            educator=user.has_role(Role.EDUCATOR),
            reviewer=user.has_role(Role.REVIEWER),
            admin=user.has_role(Role.DISTRICT_ADMIN),
        )
    }
