from django.http import HttpRequest
from django.urls import reverse

from .models import Role


def navigation(request: HttpRequest) -> dict:
    """The role-aware navigation of the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.has_role(Role.STATE_ADMIN):
        items.append(("State", reverse("states:dashboard")))
        items.append(("Awards", reverse("states:awards")))
        items.append(("Endorsements", reverse("badges:endorsements")))
        items.append(("New district", reverse("states:district_new")))
    if user.has_role(Role.EDUCATOR):
        items.append(("My plans", reverse("submissions:dashboard")))
        items.append(("Catalog", reverse("credentials:catalog")))
        items.append(("My badges", reverse("badges:portfolio")))
    if user.has_role(Role.REVIEWER):
        items.append(("Review queue", reverse("reviews:queue")))
        if not user.has_role(Role.EDUCATOR):
            items.append(("Catalog", reverse("credentials:catalog")))
    if user.has_role(Role.DISTRICT_ADMIN):
        items.append(("District", reverse("people:admin_dashboard")))
        items.append(("Settings", reverse("accounts:district_settings")))
        items.append(("Manage catalog", reverse("credentials:manage")))
        items.append(("Reviews", reverse("reviews:rounds")))
        items.append(("Awards", reverse("badges:district_awards")))
        items.append(("Reports", reverse("reports:index")))
        # Endorsements are a tab of "Manage catalog": the navigation keeps to one row at 1280 px.
    return {"nav_items": items}
