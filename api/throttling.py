"""Rate limits per client (``API_RATE``): past it, 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self) -> str:
        # Read at each request, so that a deployment (or a test) sets it in one place.
        return settings.API_RATE

    def get_cache_key(self, request, view) -> str | None:
        client = getattr(request, "api_client", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
