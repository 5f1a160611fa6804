"""Who is calling: the API client behind the bearer token (OAuth 2.0 client credentials)."""

from django.contrib.auth.models import AnonymousUser
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiClient

# A bearer token was sent but is not one we honour: said so, rather than "no credentials".
INVALID_TOKEN = (
    "The access token is not valid: it is unknown or has expired, or its client was revoked. "
    "Get a new one from /api/oauth/token/."
)


class ClientTokenAuthentication(OAuth2Authentication):
    """A valid token of a client that is not revoked. The request carries the client
    (``request.api_client``); no person is signed in."""

    def authenticate(self, request):
        if not request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return None
        # The token is read from the header of the request as Django has it: the body is not
        # parsed before the client is known.
        result = super().authenticate(request._request)
        if result is None:
            request.oauth2_error = getattr(request._request, "oauth2_error", {})
            raise AuthenticationFailed(INVALID_TOKEN)
        _user, token = result
        client = (
            ApiClient.objects.select_related("district", "created_by")
            .filter(application_id=token.application_id, revoked_at__isnull=True)
            .first()
        )
        if client is None:
            raise AuthenticationFailed(INVALID_TOKEN)
        request.api_client = client
        return AnonymousUser(), token
