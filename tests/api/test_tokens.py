"""Client credentials: a registered client gets a token with its scopes, no more; its secret
is kept hashed; a revoked client's token stops working at once."""

from oauth2_provider.models import AccessToken, Application

from api.services import api_client_register, api_client_revoke

from .conftest import request_token


def test_a_client_gets_a_token_with_the_scopes_its_admin_granted(district_admin):
    registered = api_client_register(
        actor=district_admin, name="HR", scopes=["ledger:read", "people:read"]
    )
    response = request_token(registered.client_id, registered.client_secret)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == {"ledger:read", "people:read"}


def test_a_client_asking_for_a_scope_it_was_not_granted_gets_no_token(district_admin):
    registered = api_client_register(actor=district_admin, name="HR", scopes=["ledger:read"])
    response = request_token(registered.client_id, registered.client_secret, scope="people:write")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.exists()


def test_the_secret_is_stored_hashed_and_a_wrong_one_is_refused(district_admin):
    registered = api_client_register(actor=district_admin, name="HR", scopes=["ledger:read"])
    stored = Application.objects.get(client_id=registered.client_id).client_secret
    assert registered.client_secret not in stored
    assert request_token(registered.client_id, "not-the-secret").status_code == 401


def test_a_revoked_client_is_refused_at_once(connect, district_admin):
    caller = connect(district_admin, ["ledger:read"])
    assert caller.get("/api/v1/ledger/").status_code == 200
    api_client_revoke(client=caller.api_client, actor=district_admin)
    response = caller.get("/api/v1/ledger/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token is not valid" in response.json()["detail"]
    assert request_token(caller.client_id, caller.client_secret).status_code == 401


def test_a_made_up_token_is_told_it_is_not_valid_not_that_none_was_sent(client, db):
    response = client.get("/api/v1/ledger/", HTTP_AUTHORIZATION="Bearer made-up-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token is not valid" in response.json()["detail"]
