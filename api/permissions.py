"""What a client may call: the scope each call needs, from the addresses it is allowed."""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.permissions import client_address


def required_scope(request, view) -> str:
    """The scope ``view`` needs for ``request``: its ``read_scope`` to read, its
    ``write_scope`` to write, unless the action names its own (``required_scope``)."""
    if getattr(view, "required_scope", None):
        return view.required_scope
    return view.read_scope if request.method in SAFE_METHODS else view.write_scope


class ClientHasScope(BasePermission):
    def has_permission(self, request, view) -> bool:
        client = getattr(request, "api_client", None)
        if client is None:
            return False
        if not client.admits_address(client_address(request)):
            raise PermissionDenied("This client may not call from this address.")
        scope = required_scope(request, view)
        granted = set(request.auth.scope.split()) & set(client.scopes)
        if scope not in granted:
            raise PermissionDenied(f"This call needs the scope {scope}.")
        return True


def get_api_client_for_admin(user, pk: int):
    """An API client of the admin's district, or 404."""
    from django.shortcuts import get_object_or_404

    from .models import ApiClient

    return get_object_or_404(ApiClient, pk=pk, district_id=user.district_id)
