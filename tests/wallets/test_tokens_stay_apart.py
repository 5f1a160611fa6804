"""Wallets and district clients never cross: a wallet's token does not reach /api/v1, a
district's token does not reach the wallet API, and each token endpoint takes its own grants.
PKCE (S256) is required; an educator disconnects a wallet at once."""

import base64
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

from api.services import api_client_register
from tests.api.conftest import request_token
from wallets.models import WalletConnection

from .conftest import READONLY, REGISTRATION, hidden_fields


def test_a_wallet_token_never_reaches_the_district_api(register_wallet, signed_in):
    wallet = register_wallet()
    token = wallet.connect(signed_in)["access_token"]
    for path in ("/api/v1/people/", "/api/v1/awards/", "/api/v1/ledger/"):
        response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401, path


def test_a_district_token_never_reaches_the_wallet_api(db, district_admin, educator):
    registered = api_client_register(actor=district_admin, name="HR", scopes=["awards:read"])
    token = request_token(registered.client_id, registered.client_secret).json()["access_token"]
    for path in ("/ims/ob/v3p0/credentials", "/ims/ob/v3p0/profile"):
        response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401, path
        assert response.json()["imsx_codeMajor"] == "failure"
    # Nor may it get a token at the wallets' endpoint, or send an educator to consent.
    basic = base64.b64encode(f"{registered.client_id}:{registered.client_secret}".encode()).decode()
    refused = Client().post(
        "/ims/ob/v3p0/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert refused.status_code == 400 and refused.json()["error"] == "unsupported_grant_type"


def test_a_code_is_exchanged_at_the_wallet_token_endpoint_only(register_wallet, signed_in):
    wallet = register_wallet()
    params, verifier = wallet.consent(signed_in)
    at_district = wallet.http.post(
        "/api/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REGISTRATION["redirect_uris"][0],
            "code_verifier": verifier,
        },
        **wallet.basic(),
    )
    assert at_district.status_code == 400
    assert wallet.exchange(params["code"], verifier).status_code == 200
    # A code is used once.
    assert wallet.exchange(params["code"], verifier).status_code == 400


def authorize(wallet, signed_in, **changes):
    query = wallet.authorization_query(scope=READONLY, verifier=None, state="st") | changes
    return signed_in.get(f"/ims/ob/v3p0/authorize?{urlencode(query)}")


def error_of(response) -> dict:
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)


def test_pkce_with_s256_is_required(register_wallet, signed_in):
    wallet = register_wallet()
    without = error_of(authorize(wallet, signed_in))
    assert without["error"] == ["invalid_request"] and "code" not in without
    # "plain" is refused when the code would be issued: no code, no connection.
    page = authorize(wallet, signed_in, code_challenge="x" * 43, code_challenge_method="plain")
    plain = error_of(
        signed_in.post(
            "/ims/ob/v3p0/authorize", {**hidden_fields(page.content.decode()), "allow": "yes"}
        )
    )
    assert plain["error"] == ["invalid_request"] and "code" not in plain
    assert not WalletConnection.objects.exists()
    # A code obtained with a challenge is not exchanged without its verifier.
    params, _verifier = wallet.consent(signed_in)
    assert wallet.exchange(params["code"], None).status_code == 400


def test_an_unknown_redirect_uri_is_never_followed(register_wallet, signed_in):
    wallet = register_wallet()
    response = authorize(
        wallet,
        signed_in,
        redirect_uri="https://attacker.example/cb",
        code_challenge="x" * 43,
        code_challenge_method="S256",
    )
    assert response.status_code == 400
    assert "cannot be connected" in response.content.decode()


def test_saying_no_connects_nothing(register_wallet, signed_in):
    wallet = register_wallet()
    params, _verifier = wallet.consent(signed_in, allow="no")
    assert params["error"] == "access_denied" and "code" not in params
    assert not WalletConnection.objects.exists()


def test_only_an_educator_connects_a_wallet(register_wallet, reviewer):
    wallet = register_wallet()
    for person in (reviewer,):
        http = Client()
        http.force_login(person)
        assert (
            authorize(
                wallet, http, code_challenge="x" * 43, code_challenge_method="S256"
            ).status_code
            == 403
        )
    anonymous = authorize(wallet, Client(), code_challenge="x" * 43, code_challenge_method="S256")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_educator_sees_and_disconnects_a_wallet(
    register_wallet, signed_in, educator, other_educator
):
    wallet = register_wallet()
    tokens = wallet.connect(signed_in)
    page = signed_in.get("/badges/wallets/")
    assert "Example Client Application" in page.content.decode()
    connection = WalletConnection.objects.get(educator=educator)

    colleague = Client()
    colleague.force_login(other_educator)
    assert colleague.post(f"/badges/wallets/{connection.pk}/disconnect/").status_code == 404
    assert wallet.get("credentials", tokens["access_token"]).status_code == 200

    assert signed_in.post(f"/badges/wallets/{connection.pk}/disconnect/").status_code == 302
    assert wallet.get("credentials", tokens["access_token"]).status_code == 401
    refreshed = wallet.http.post(
        "/ims/ob/v3p0/token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        **wallet.basic(),
    )
    assert refreshed.status_code == 400
    assert "Disconnected" in signed_in.get("/badges/wallets/").content.decode()


def test_a_registration_is_checked_field_by_field(client, db):
    def register(**changes):
        body = {k: v for k, v in {**REGISTRATION, **changes}.items() if v is not None}
        return client.post("/ims/ob/v3p0/register", body, content_type="application/json")

    plain_http = register(redirect_uris=["http://client.example/cb"])
    assert plain_http.status_code == 400
    assert plain_http.json()["error"] == "invalid_redirect_uri"
    missing = register(tos_uri=None, software_id=None)
    assert missing.json()["error"] == "invalid_client_metadata"
    assert "tos_uri" in missing.json()["error_description"]
    assert "software_id" in missing.json()["error_description"]
    assert register(scope="offline_access").status_code == 400
    assert register(grant_types=["client_credentials"]).status_code == 400
    assert register(client_name=["not", "a string"]).status_code == 400
    assert (
        client.post("/ims/ob/v3p0/register", "not json", content_type="application/json").json()[
            "error"
        ]
        == "invalid_client_metadata"
    )
    assert register(redirect_uris=["https://localhost:8443/cb"]).status_code == 201


def test_registrations_are_limited_per_address(client, db, settings):
    settings.WALLET_REGISTRATION_RATE = "1/hour"
    first = client.post("/ims/ob/v3p0/register", REGISTRATION, content_type="application/json")
    assert first.status_code == 201
    second = client.post(
        "/ims/ob/v3p0/register",
        REGISTRATION,
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="198.51.100.7",  # no proxy is trusted: the header changes nothing
    )
    assert second.status_code == 429 and int(second["Retry-After"]) > 0
