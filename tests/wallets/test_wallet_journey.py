"""A wallet connects through the Open Badges 3.0 API as the specification describes it, pulls
the educator's signed credentials, and a verifier written from the specifications accepts one."""

from urllib.parse import urlencode, urlsplit

from django.test import Client

from badges.services import award_issue_for_submission
from tests.badges import spec_verifier
from tests.badges.factories import earned_submission
from wallets.models import WalletConnection

from .conftest import PROFILE, READONLY, REGISTRATION


def fetch_through(http: Client):
    """Fetch the issuer's did:web document and status list from this site, as a verifier
    would, through the test client."""

    def fetch_json(url: str) -> dict:
        response = http.get(urlsplit(url).path)
        assert response.status_code == 200, url
        return response.json()

    return fetch_json


def test_the_discovery_document_names_every_endpoint_and_the_privacy_policy(client, settings):
    document = client.get("/ims/ob/v3p0/discovery").json()
    assert document["openapi"].startswith("3.0")
    assert document["info"]["x-imssf-privacyPolicyUrl"].startswith(settings.SITE_URL)
    assert document["info"]["termsOfService"]
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-privacyPolicyUrl"] == document["info"]["x-imssf-privacyPolicyUrl"]
    assert scheme["x-imssf-registrationUrl"] == f"{settings.SITE_URL}/ims/ob/v3p0/register"
    assert set(scheme["flows"]["authorizationCode"]["scopes"]) >= {READONLY, PROFILE}
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"getCredentials", "getProfile"} <= operations
    assert (
        client.get(urlsplit(document["info"]["x-imssf-privacyPolicyUrl"]).path).status_code == 200
    )


def test_a_wallet_registers_connects_and_pulls_verified_credentials(
    register_wallet, signed_in, educator, other_educator
):
    first = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    award_issue_for_submission(submission_id=earned_submission(educator=other_educator).pk)

    wallet = register_wallet()
    registered = wallet.registration
    for field in ("client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id"):
        assert registered[field] == REGISTRATION[field]
    assert registered["client_secret"] and registered["client_secret_expires_at"] == 0
    # Offered scopes only: this site does not take credentials in (no upsert).
    assert registered["scope"].split() == [READONLY, "offline_access"]

    page = signed_in.get(
        "/ims/ob/v3p0/authorize?"
        + urlencode(wallet.authorization_query(scope=READONLY, verifier="v" * 43, state="s"))
    )
    html = page.content.decode()
    assert "Example Client Application" in html and "Read the micro-credentials" in html
    assert 'type="radio" name="allow"' in html  # the house form renderer's choice

    tokens = wallet.connect(signed_in)
    assert tokens["scope"].split() == [READONLY, "offline_access"] and tokens["refresh_token"]
    assert WalletConnection.objects.get(educator=educator).is_connected

    response = wallet.get("credentials", tokens["access_token"])
    assert response.status_code == 200
    assert response["X-Total-Count"] == "1"
    assert 'rel="first"' in response["Link"] and 'rel="next"' not in response["Link"]
    credentials = response.json()["credential"]
    assert credentials == [first.credential]  # the other_educator's is not theirs
    outcome = spec_verifier.verify(credentials[0], fetch_through(Client()))
    assert outcome.verdict == "valid", outcome.problems

    # A token for credentials does not read the profile.
    refused = wallet.get("profile", tokens["access_token"])
    assert refused.status_code == 403
    assert refused.json()["imsx_codeMajor"] == "failure"

    refreshed = wallet.http.post(
        "/ims/ob/v3p0/token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        **wallet.basic(),
    )
    assert refreshed.status_code == 200, refreshed.content
    assert wallet.get("credentials", refreshed.json()["access_token"]).status_code == 200


def test_a_public_wallet_with_pkce_reads_the_profile(register_wallet, signed_in, educator):
    wallet = register_wallet(token_endpoint_auth_method="none", scope=f"{READONLY} {PROFILE}")
    assert "client_secret" not in wallet.registration
    tokens = wallet.connect(signed_in, scope=PROFILE)
    profile = wallet.get("profile", tokens["access_token"]).json()
    assert profile["type"] == ["Profile"] and profile["email"] == educator.email
    assert profile["id"].startswith("urn:uuid:")


def test_pages_follow_limit_and_offset(register_wallet, signed_in, educator):
    for _ in range(2):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    wallet = register_wallet()
    token = wallet.connect(signed_in)["access_token"]
    first = wallet.get("credentials", token, {"limit": 1})
    assert first["X-Total-Count"] == "2" and len(response_ids(first)) == 1
    assert 'limit=1&offset=1>; rel="next"' in first["Link"] and 'rel="prev"' not in first["Link"]
    second = wallet.get("credentials", token, {"limit": 1, "offset": 1})
    assert 'limit=1&offset=0>; rel="prev"' in second["Link"] and 'rel="next"' not in second["Link"]
    assert response_ids(first) != response_ids(second)
    bad = wallet.get("credentials", token, {"limit": 0})
    assert bad.status_code == 400 and "limit" in bad.json()["imsx_description"]


def response_ids(response) -> list[str]:
    return [credential["id"] for credential in response.json()["credential"]]
