"""API clients registered through the service a district admin's page calls, and a way to call
the API with a token obtained from the token endpoint, as HR's system does."""

import base64
from dataclasses import dataclass

import pytest
from django.test import Client

from api.services import api_client_register

ALL_SCOPES = [
    "people:read",
    "people:write",
    "catalog:read",
    "progress:read",
    "awards:read",
    "awards:write",
    "ledger:read",
    "reports:read",
]


@pytest.fixture(autouse=True)
def badge_keys_dir(settings, tmp_path_factory):
    """Awards are signed with keys in a fresh directory, never in the repository."""
    directory = tmp_path_factory.mktemp("badge-keys")
    settings.BADGE_KEYS_DIR = directory
    return directory


@pytest.fixture(autouse=True)
def ledger_settled_at_once(settings):
    """The ledger waits for nothing in tests; tests of the wait set it themselves."""
    settings.API_LEDGER_SETTLE_SECONDS = 0


@dataclass
class Caller:
    """A registered client holding a token: calls the API as the district's system would."""

    client_id: str
    client_secret: str
    token: str
    api_client: object
    http: Client

    def _headers(self, headers: dict | None) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, params: dict | None = None, **headers):
        return self.http.get(path, params or {}, **self._headers(headers))

    def put(self, path: str, body: dict, **headers):
        return self.http.put(path, body, content_type="application/json", **self._headers(headers))

    def post(self, path: str, body: dict, **headers):
        return self.http.post(path, body, content_type="application/json", **self._headers(headers))

    def delete(self, path: str, **headers):
        return self.http.delete(path, **self._headers(headers))


def request_token(client_id: str, client_secret: str, scope: str | None = None):
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    body = {"grant_type": "client_credentials"}
    if scope:
        body["scope"] = scope
    return Client().post("/api/oauth/token/", body, HTTP_AUTHORIZATION=f"Basic {basic}")


@pytest.fixture
def connect(db):
    """``connect(admin, scopes)``: register a client of ``admin``'s district with ``scopes``
    and get it a token from the token endpoint."""

    def make(admin, scopes=ALL_SCOPES, *, name="HR payroll", allowed_ips: str = "") -> Caller:
        registered = api_client_register(
            actor=admin, name=name, scopes=list(scopes), allowed_ips=allowed_ips
        )
        response = request_token(registered.client_id, registered.client_secret)
        assert response.status_code == 200, response.content
        return Caller(
            client_id=registered.client_id,
            client_secret=registered.client_secret,
            token=response.json()["access_token"],
            api_client=registered.client,
            http=Client(),
        )

    return make
