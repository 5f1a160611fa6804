"""Writes of the wallet API: a wallet registering itself, an educator connecting one (their
consent on the authorization page) and disconnecting it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from accounts.models import User
from accounts.services import audit_record

from .forms import AUTH_METHODS
from .models import WalletClient, WalletConnection


@dataclass(frozen=True)
class RegisteredWallet:
    """A wallet just registered, with the one sight of its secret (None for a public client)."""

    client: WalletClient
    client_secret: str | None


@transaction.atomic
def wallet_client_register(*, registration: dict) -> RegisteredWallet:
    """Register a wallet from its validated registration request (``WalletRegistrationForm``):
    an authorization-code application, confidential (secret stored hashed) or public. Anyone
    may register (the specification forbids an initial access token); a wallet reaches nobody's
    credentials until an educator consents."""
    confidential = AUTH_METHODS[registration["token_endpoint_auth_method"]] == "confidential"
    secret = generate_client_secret() if confidential else ""
    application = Application(
        name=registration["client_name"],
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(registration["redirect_uris"]),
        client_secret=secret,
        hash_client_secret=confidential,
    )
    application.full_clean()
    application.save()
    client = WalletClient.objects.create(
        application=application,
        client_name=registration["client_name"],
        client_uri=registration["client_uri"],
        logo_uri=registration["logo_uri"],
        tos_uri=registration["tos_uri"],
        policy_uri=registration["policy_uri"],
        software_id=registration["software_id"],
        software_version=registration["software_version"],
        contacts=registration["contacts"],
        scopes=registration["scope"],
    )
    return RegisteredWallet(client=client, client_secret=secret or None)


@transaction.atomic
def wallet_connect(
    *, educator: User, application: Application, scopes: list[str]
) -> WalletConnection:
    """Record that ``educator`` allowed the wallet ``scopes`` (called as the authorization code
    is issued, after their consent)."""
    client = WalletClient.objects.get(application=application)
    now = timezone.now()
    connection, created = WalletConnection.objects.select_for_update().get_or_create(
        educator=educator, client=client, defaults={"scopes": scopes, "connected_at": now}
    )
    if not created:
        connection.scopes = sorted(
            set(connection.scopes if connection.is_connected else []) | set(scopes)
        )
        connection.connected_at = now
        connection.disconnected_at = None
        connection.save(update_fields=["scopes", "connected_at", "disconnected_at"])
    audit_record(
        actor=educator,
        action="wallet.connected",
        target=connection,
        district=educator.district,
        to_status="connected",
        detail={"wallet": client.client_name, "scopes": scopes},
    )
    return connection


@transaction.atomic
def wallet_disconnect(*, connection: WalletConnection, actor: User) -> WalletConnection:
    """Disconnect a wallet at once: every token and code it holds for the educator goes."""
    if connection.educator_id != actor.pk:
        raise PermissionDenied("Only the educator who connected a wallet disconnects it.")
    connection = WalletConnection.objects.select_for_update().get(pk=connection.pk)
    if not connection.is_connected:
        return connection
    application_id = connection.client.application_id
    tokens = {"user_id": connection.educator_id, "application_id": application_id}
    RefreshToken.objects.filter(**tokens).delete()
    AccessToken.objects.filter(**tokens).delete()
    Grant.objects.filter(**tokens).delete()
    connection.disconnected_at = timezone.now()
    connection.save(update_fields=["disconnected_at"])
    audit_record(
        actor=actor,
        action="wallet.disconnected",
        target=connection,
        district=actor.district,
        from_status="connected",
        to_status="disconnected",
        detail={"wallet": connection.client.client_name},
    )
    return connection
