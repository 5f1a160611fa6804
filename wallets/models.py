"""Wallets and backpacks that registered themselves (RFC 7591) to pull an educator's
credentials through the 1EdTech Open Badges 3.0 API, and each educator's consent to one."""

from django.conf import settings
from django.db import models


class WalletClient(models.Model):
    """A wallet's registration: its DOT application (authorization code, PKCE) and what it said
    about itself, shown to the educator on the consent page. Never a district's API client."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="wallet_client",
    )
    client_name = models.CharField(max_length=200)
    client_uri = models.URLField(max_length=500)
    logo_uri = models.URLField(max_length=500)
    tos_uri = models.URLField(max_length=500)
    policy_uri = models.URLField(max_length=500)
    software_id = models.CharField(max_length=200)
    software_version = models.CharField(max_length=100)
    contacts = models.JSONField(default=list, blank=True)
    # The scopes registered (those of settings.WALLET_SCOPES it asked for).
    scopes = models.JSONField(default=list)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return self.client_name


class WalletConnection(models.Model):
    """An educator allowed a wallet to read their credentials. Disconnecting removes its tokens
    and keeps this row (with when) for the educator's record."""

    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_connections"
    )
    client = models.ForeignKey(WalletClient, on_delete=models.CASCADE, related_name="connections")
    scopes = models.JSONField(default=list)
    connected_at = models.DateTimeField()
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-connected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["educator", "client"], name="unique_wallet_connection")
        ]

    def __str__(self) -> str:
        return f"{self.client} of {self.educator}"

    @property
    def is_connected(self) -> bool:
        return self.disconnected_at is None
