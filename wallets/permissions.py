"""Who may reach a wallet connection, and which bearer token may call the wallet API."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from oauth2_provider.oauth2_backends import get_oauthlib_core

from accounts.models import User

from . import selectors
from .models import WalletConnection


def get_connection_for_educator(user: User, pk: int) -> WalletConnection:
    """One of the educator's own wallet connections, or 404."""
    return get_object_or_404(
        WalletConnection.objects.select_related("client"), pk=pk, educator=user
    )


@dataclass(frozen=True)
class WalletRefusal:
    status: int
    description: str


def wallet_caller(request, *, scope: str) -> User | WalletRefusal:
    """The educator on whose behalf a wallet calls with its bearer token holding ``scope``.

    Only a token a wallet obtained through an educator's consent passes: a district client's
    token (client credentials, no person) never does, nor a token of a disconnected wallet."""
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None)
    if not valid or token is None:
        return WalletRefusal(401, "A valid access token is required.")
    educator = token.user
    if (
        educator is None
        or not educator.is_active
        or selectors.wallet_client_of(token.application) is None
        or not selectors.is_connected(educator=educator, application_id=token.application_id)
    ):
        return WalletRefusal(401, "This access token is not a connected wallet's.")
    if scope not in token.scope.split():
        return WalletRefusal(403, f"This call needs the scope {scope}.")
    return educator
