"""A wallet written to the 1EdTech Open Badges 3.0 specification's examples (§7, Security):
it discovers, registers, sends the educator through consent with PKCE, and exchanges the code,
through nothing but the URLs the discovery document gives it."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
READONLY = f"{OB}credential.readonly"
PROFILE = f"{OB}profile.readonly"

# The specification's registration request (Example: "Sample registration request").
REGISTRATION = {
    "client_name": "Example Client Application",
    "client_uri": "https://client.1edtech.org/",
    "logo_uri": "https://client.1edtech.org/logo.png",
    "tos_uri": "https://client.1edtech.org/terms",
    "policy_uri": "https://client.1edtech.org/privacy",
    "software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1",
    "software_version": "v4.0.30319",
    "redirect_uris": ["https://client.1edtech.org/Authorize"],
    "token_endpoint_auth_method": "client_secret_basic",
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "scope": f"{READONLY} {OB}credential.upsert offline_access",
}


@pytest.fixture(autouse=True)
def badge_keys_dir(settings, tmp_path_factory):
    directory = tmp_path_factory.mktemp("badge-keys")
    settings.BADGE_KEYS_DIR = directory
    return directory


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def hidden_fields(html: str) -> dict:
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


@dataclass
class Wallet:
    """A registered wallet: what discovery told it and what registration gave it."""

    http: Client
    endpoints: dict
    registration: dict

    @property
    def client_id(self) -> str:
        return self.registration["client_id"]

    def basic(self) -> dict:
        secret = self.registration.get("client_secret")
        if secret is None:
            return {}
        pair = base64.b64encode(f"{self.client_id}:{secret}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {pair}"}

    def authorization_query(self, *, scope: str, verifier: str | None, state: str) -> dict:
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "scope": scope,
            "redirect_uri": self.registration["redirect_uris"][0],
            "state": state,
        }
        if verifier is not None:
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            query |= {
                "code_challenge": challenge.decode().rstrip("="),
                "code_challenge_method": "S256",
            }
        return query

    def consent(self, signed_in: Client, *, scope: str = f"{READONLY} offline_access", allow="yes"):
        """The educator's browser goes to the authorization URL and answers; returns the
        redirect back to the wallet and the PKCE verifier."""
        verifier = secrets.token_urlsafe(48)
        state = secrets.token_urlsafe(16)
        query = self.authorization_query(scope=scope, verifier=verifier, state=state)
        page = signed_in.get(f"{path_of(self.endpoints['authorize'])}?{urlencode(query)}")
        assert page.status_code == 200, page.content
        answer = signed_in.post(
            path_of(self.endpoints["authorize"]),
            {**hidden_fields(page.content.decode()), "allow": allow},
        )
        assert answer.status_code == 302, answer.content
        back = urlsplit(answer["Location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == self.registration["redirect_uris"][0]
        params = {k: v[0] for k, v in parse_qs(back.query).items()}
        assert params["state"] == state
        return params, verifier

    def exchange(self, code: str, verifier: str | None):
        body = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.registration["redirect_uris"][0],
        }
        if verifier is not None:
            body["code_verifier"] = verifier
        if "client_secret" not in self.registration:
            body["client_id"] = self.client_id
        return self.http.post(path_of(self.endpoints["token"]), body, **self.basic())

    def connect(self, signed_in: Client, **consent) -> dict:
        params, verifier = self.consent(signed_in, **consent)
        response = self.exchange(params["code"], verifier)
        assert response.status_code == 200, response.content
        return response.json()

    def get(self, endpoint: str, token: str, query: dict | None = None):
        url = f"{self.endpoints['base']}/{endpoint}"
        return self.http.get(path_of(url), query or {}, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def register_wallet(db):
    def register(**changes) -> Wallet:
        http = Client()
        discovery = http.get("/ims/ob/v3p0/discovery")
        assert discovery.status_code == 200
        document = discovery.json()
        scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
        flow = scheme["flows"]["authorizationCode"]
        endpoints = {
            "register": scheme["x-imssf-registrationUrl"],
            "authorize": flow["authorizationUrl"],
            "token": flow["tokenUrl"],
            "base": document["servers"][0]["url"],
        }
        response = http.post(
            path_of(endpoints["register"]),
            {**REGISTRATION, **changes},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        return Wallet(http=http, endpoints=endpoints, registration=response.json())

    return register


@pytest.fixture
def signed_in(educator) -> Client:
    client = Client()
    client.force_login(educator)
    return client
