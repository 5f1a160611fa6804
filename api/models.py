"""API clients of a district, the calls they make, and the writes they may replay."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import District


def parse_allowed_ips(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of an allow-list: addresses or CIDR ranges, one per line or comma-separated."""
    networks = []
    for item in value.replace(",", "\n").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValidationError(
                "“%(item)s” is not an address or a range. Write e.g. 203.0.113.7 or "
                "203.0.113.0/24, one per line.",
                code="invalid_network",
                params={"item": item[:60]},
            ) from None
    return networks


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not value or any(s not in settings.API_SCOPES for s in value):
        raise ValidationError("Choose at least one of the scopes offered.", code="invalid_scopes")


class ApiClient(models.Model):
    """A system of the district (HR, the SIS...) that calls the API with OAuth 2.0 client
    credentials. Its DOT application holds the client id and the hashed secret; revoking the
    client deletes the application, and with it every token, while this row (and its calls)
    stay."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="api_clients")
    name = models.CharField(
        max_length=120, help_text="Say which system this is, e.g. HR payroll (Workday)."
    )
    scopes = models.JSONField(default=list, validators=[validate_scopes])
    allowed_ips = models.TextField(
        "allowed addresses",
        blank=True,
        validators=[parse_allowed_ips],
        help_text="Calls are accepted only from these addresses or ranges, one per line "
        "(e.g. 203.0.113.0/24). Empty: from anywhere.",
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_client",
    )
    # The client writes with the authority of the admin who registered it (the audit log names
    # them); once they no longer administer the district, its writes are refused.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def admits_address(self, address: str) -> bool:
        networks = parse_allowed_ips(self.allowed_ips)
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)


class ApiCall(models.Model):
    """One call of a client: what it asked and what it was answered."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"], name="api_call_client_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class IdempotentWrite(models.Model):
    """A write sent with an ``Idempotency-Key``: the same key with the same request gets the
    stored answer again; with another request, a refusal."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path and the body.
    fingerprint = models.CharField(max_length=64)
    # None while the first request is being answered.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key
