from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def unread_notifications(request: HttpRequest) -> dict:
    """The unread count beside the navigation's Notifications link, rendered with the page.

    Lazy: counted (one indexed query) only when a template shows it, so fragments, JSON and
    signed-out pages pay nothing; a page that shows it is as fresh as the page itself."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.district_id:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count_for_user(user))}
