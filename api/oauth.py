"""The token endpoint's rules: a client gets the scopes its district admin granted, no more."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from .models import ApiClient


def _client_of(application) -> ApiClient | None:
    return ApiClient.objects.filter(application=application, revoked_at__isnull=True).first()


class ClientScopesValidator(OAuth2Validator):
    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        api_client = _client_of(client)
        return api_client is not None and set(scopes) <= set(api_client.scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs) -> list[str]:
        api_client = _client_of(request.client)
        return list(api_client.scopes) if api_client is not None else []
