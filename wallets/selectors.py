"""Reads of the wallet API: which wallet a DOT application is, an educator's connections, and
the credentials a wallet may pull."""

from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from badges.models import Award

from .models import WalletClient, WalletConnection


def wallet_client_of(application) -> WalletClient | None:
    """The wallet behind a DOT application, or None (a district's API client, say)."""
    if application is None:
        return None
    return WalletClient.objects.filter(application=application).first()


def connections_of(educator: User) -> QuerySet[WalletConnection]:
    return WalletConnection.objects.filter(educator=educator).select_related("client")


def is_connected(*, educator: User, application_id: int) -> bool:
    return WalletConnection.objects.filter(
        educator=educator, client__application_id=application_id, disconnected_at__isnull=True
    ).exists()


def credentials_for_wallet(educator: User, *, since: datetime | None = None) -> QuerySet[Award]:
    """The educator's signed credentials that count (``AwardQuerySet.counting``), oldest first
    so that offsets stay put as new ones are issued. A revoked or expired one is left out: a
    wallet that already holds it learns so from the credential itself (its status list entry
    and ``validUntil``), as the specification's verification does."""
    awards = Award.objects.counting().filter(educator=educator, district_id=educator.district_id)
    if since is not None:
        awards = awards.filter(issued_at__gt=since)
    return awards.order_by("issued_at", "id")
