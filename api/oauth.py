"""The token server's rules on scopes: a district's client gets the scopes its district admin
granted, a wallet those it registered for (and the educator agreed to); never each other's."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from wallets.selectors import wallet_client_of

from .models import ApiClient


def _client_of(application) -> ApiClient | None:
    return ApiClient.objects.filter(application=application, revoked_at__isnull=True).first()


def _scopes_of(application) -> list[str]:
    wallet = wallet_client_of(application)
    if wallet is not None:
        return list(wallet.scopes)
    api_client = _client_of(application)
    return list(api_client.scopes) if api_client is not None else []


class ClientScopesValidator(OAuth2Validator):
    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        granted = _scopes_of(client)
        return bool(granted) and set(scopes) <= set(granted)

    def get_default_scopes(self, client_id, request, *args, **kwargs) -> list[str]:
        return _scopes_of(request.client)
