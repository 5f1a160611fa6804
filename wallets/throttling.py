"""Registration is open to anyone (the specification forbids an initial access token), so each
address may register only so many wallets an hour (``WALLET_REGISTRATION_RATE``)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.permissions import client_address


class RegistrationThrottle(SimpleRateThrottle):
    scope = "wallet_registration"

    def get_rate(self) -> str:
        return settings.WALLET_REGISTRATION_RATE

    def get_cache_key(self, request, view) -> str:
        # The address as the deployment's trusted proxies saw it: a header the caller writes
        # does not make a new address.
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
