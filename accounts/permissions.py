"""Access checks shared by every app's views: signed in, in a district, holding a role."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role, User


def require_role(user: User, *roles: str) -> None:
    """Raise PermissionDenied unless ``user`` is active in a district and holds one of ``roles``."""
    if not any(user.has_role(role) for role in roles):
        raise PermissionDenied("Your role does not give access to this page.")


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous users go to sign-in; signed-in users without the role get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


educator_required = role_required(Role.EDUCATOR)
reviewer_required = role_required(Role.REVIEWER)
district_admin_required = role_required(Role.DISTRICT_ADMIN)


def client_address(request) -> str:
    """The address the call came from: the connecting one, or, behind the reverse proxies the
    deployment trusts (``ALLAUTH_TRUSTED_PROXY_COUNT``, as for sign-in limits), the one the
    nearest of them saw."""
    trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if trusted and len(forwarded) >= trusted and forwarded[-trusted]:
        return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "")
