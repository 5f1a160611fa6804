"""A district admin registers an API client on a page, sees its secret once, revokes it, and
lists the calls clients made."""

from oauth2_provider.models import Application

from api.models import ApiCall, ApiClient

from .conftest import request_token


def test_an_admin_registers_a_client_and_sees_its_secret_once(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        "/district/api/clients/",
        {"name": "HR payroll", "scopes": ["ledger:read", "people:read"], "allowed_ips": ""},
    )
    assert response.status_code == 201
    registered = response.context["registered"]
    page = response.content.decode()
    assert registered.client_secret in page and registered.client_id in page
    assert "shown this once" in page
    api_client = ApiClient.objects.get()
    assert (api_client.district, api_client.scopes) == (
        district_admin.district,
        ["ledger:read", "people:read"],
    )
    # It works, and the list never shows the secret again.
    assert request_token(registered.client_id, registered.client_secret).status_code == 200
    again = client.get("/district/api/clients/").content.decode()
    assert "HR payroll" in again and registered.client_secret not in again


def test_a_client_needs_a_scope_and_valid_addresses(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        "/district/api/clients/", {"name": "SIS", "scopes": [], "allowed_ips": "not-an-address"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["scopes"] == ["Choose at least one thing the system may do."]
    assert "not an address or a range" in errors["allowed_ips"][0]
    assert not ApiClient.objects.exists() and not Application.objects.exists()


def test_an_admin_revokes_a_client(client, district_admin, connect):
    caller = connect(district_admin, ["ledger:read"])
    client.force_login(district_admin)
    response = client.post(f"/district/api/clients/{caller.api_client.pk}/revoke/")
    assert response.status_code == 302
    caller.api_client.refresh_from_db()
    assert caller.api_client.is_revoked and caller.api_client.revoked_by == district_admin
    assert caller.get("/api/v1/ledger/").status_code == 401
    assert "Revoked" in client.get("/district/api/clients/").content.decode()


def test_another_districts_admin_cannot_revoke_it(client, district_admin, outsider_admin, connect):
    caller = connect(district_admin, ["ledger:read"])
    client.force_login(outsider_admin)
    assert client.post(f"/district/api/clients/{caller.api_client.pk}/revoke/").status_code == 404
    assert caller.get("/api/v1/ledger/").status_code == 200


def test_the_calls_page_lists_the_districts_calls_only(
    client, district_admin, outsider_admin, connect, django_assert_max_num_queries
):
    ours = connect(district_admin, ["ledger:read"], name="HR payroll")
    theirs = connect(outsider_admin, ["ledger:read"], name="Lakeside SIS")
    ours.get("/api/v1/ledger/")
    theirs.get("/api/v1/ledger/")
    client.force_login(district_admin)
    with django_assert_max_num_queries(12) as small:
        page = client.get("/district/api/calls/").content.decode()
    # Counted now: the requests below start a new query log.
    small_count = len(small.captured_queries)
    assert "HR payroll" in page and "/api/v1/ledger/" in page and "Lakeside SIS" not in page
    for _ in range(20):
        ours.get("/api/v1/people/")
    with django_assert_max_num_queries(small_count):
        client.get("/district/api/calls/")
    assert ApiCall.objects.filter(client=ours.api_client).count() == 21
