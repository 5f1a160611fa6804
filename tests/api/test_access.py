"""Who may call what: every route of the API is refused without a token, with a token lacking
its scope, and reaches nothing of another district; a client is held to its addresses."""

import pytest
from django.urls import reverse

from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission

from .conftest import ALL_SCOPES


@pytest.fixture
def award(educator):
    return award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)


def routes(award, educator, building):
    """(method, path, body, scope) of every API operation, naming district A's records."""
    educator.external_id = "S-1"
    educator.save(update_fields=["external_id"])
    building.external_id = "B-1"
    building.save(update_fields=["external_id"])
    person = {"email": educator.email, "roles": ["educator"]}
    return [
        ("get", reverse("api:person-list"), None, "people:read"),
        ("get", reverse("api:person-detail", args=["S-1"]), None, "people:read"),
        ("put", reverse("api:person-detail", args=["S-1"]), person, "people:write"),
        ("delete", reverse("api:person-detail", args=["S-1"]), None, "people:write"),
        ("get", reverse("api:building-list"), None, "people:read"),
        ("get", reverse("api:building-detail", args=["B-1"]), None, "people:read"),
        ("put", reverse("api:building-detail", args=["B-1"]), {"name": "X"}, "people:write"),
        ("delete", reverse("api:building-detail", args=["B-1"]), None, "people:write"),
        ("get", reverse("api:catalog-list"), None, "catalog:read"),
        (
            "get",
            reverse("api:catalog-detail", args=[award.microcredential_id]),
            None,
            "catalog:read",
        ),
        ("get", reverse("api:submission-list"), None, "progress:read"),
        (
            "get",
            reverse("api:submission-detail", args=[award.submission_id]),
            None,
            "progress:read",
        ),
        ("get", reverse("api:award-list"), None, "awards:read"),
        ("get", reverse("api:award-detail", args=[award.uuid]), None, "awards:read"),
        ("post", reverse("api:award-revoke", args=[award.uuid]), {"reason": "x"}, "awards:write"),
        ("get", reverse("api:ledger"), None, "ledger:read"),
        ("get", reverse("api:relicensure-list"), None, "progress:read"),
        ("get", reverse("api:report_figures"), None, "reports:read"),
    ]


def call(caller, method, path, body):
    if method in ("put", "post"):
        return getattr(caller, method)(path, body)
    return getattr(caller, method)(path)


def test_every_api_route_is_in_this_list():
    from tests.authz.test_matrix import our_routes

    api_routes = {r.full_name for r in our_routes() if r.pattern.startswith("api/v1/")}
    listed = {
        "api:person-list",
        "api:person-detail",
        "api:building-list",
        "api:building-detail",
        "api:catalog-list",
        "api:catalog-detail",
        "api:submission-list",
        "api:submission-detail",
        "api:award-list",
        "api:award-detail",
        "api:award-revoke",
        "api:ledger",
        "api:relicensure-list",
        "api:report_figures",
    }
    assert api_routes == listed


def test_without_a_token_every_route_answers_401(client, award, educator, building):
    for method, path, body, _scope in routes(award, educator, building):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        response = (
            getattr(client, method)(path, body or {}, **kwargs)
            if body
            else getattr(client, method)(path)
        )
        assert response.status_code == 401, (method, path)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response["Content-Type"] == "application/problem+json"


def test_a_signed_in_admin_without_a_token_is_refused_too(
    client, district_admin, award, educator, building
):
    client.force_login(district_admin)
    for method, path, body, _scope in routes(award, educator, building):
        response = (
            getattr(client, method)(path, body, content_type="application/json")
            if body
            else getattr(client, method)(path)
        )
        assert response.status_code == 401, (method, path)


def test_a_token_without_the_routes_scope_is_refused_and_changes_nothing(
    connect, district_admin, award, educator, building
):
    everything_but = {
        scope: connect(district_admin, [s for s in ALL_SCOPES if s != scope], name=scope)
        for scope in ALL_SCOPES
    }
    for method, path, body, scope in routes(award, educator, building):
        response = call(everything_but[scope], method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json()["detail"] == f"This call needs the scope {scope}."
    award.refresh_from_db()
    educator.refresh_from_db()
    building.refresh_from_db()
    assert (award.revoked_at, educator.is_active, building.name) == (None, True, building.name)


# What another district's client gets: its own district's lists (without district A's
# records), its own roster sync (district A's person's address is answered as a fresh
# address's invitation, and creates nobody), and 404 for district A's objects.
OUTSIDER = {
    "api:person-list": 200,
    "api:building-list": 200,
    "api:catalog-list": 200,
    "api:submission-list": 200,
    "api:award-list": 200,
    "api:ledger": 200,
    "api:relicensure-list": 200,
    "api:report_figures": 200,
    ("put", "api:person-detail"): 202,
    # Its own building B-1: created by its sync, then deleted (district A's B-1 stays).
    ("put", "api:building-detail"): 201,
    ("delete", "api:building-detail"): 204,
}


def test_another_districts_client_reaches_nothing_of_this_district(
    connect, outsider_admin, award, educator, building
):
    from django.urls import resolve

    # A surname no generated person shares: the outsider's own admin may be a Gonzalez too.
    type(educator).objects.filter(pk=educator.pk).update(last_name="Quillfeather-Oyelaran")
    educator.refresh_from_db()
    outsider = connect(outsider_admin, ALL_SCOPES)
    for method, path, body, _scope in routes(award, educator, building):
        name = resolve(path).view_name
        expected = OUTSIDER.get((method, name), OUTSIDER.get(name, 404))
        response = call(outsider, method, path, body)
        assert response.status_code == expected, (method, path)
        if response.status_code < 300:
            text = response.content.decode()
            assert str(award.uuid) not in text, (method, path)
            assert educator.last_name not in text, (method, path)
    award.refresh_from_db()
    educator.refresh_from_db()
    building.refresh_from_db()
    assert award.revoked_at is None
    assert educator.is_active and educator.district_id != outsider_admin.district_id
    assert building.name != "X"
    assert type(building).objects.filter(pk=building.pk).exists()


def test_a_client_is_held_to_its_allowed_addresses(connect, district_admin):
    hr = connect(district_admin, ["ledger:read"], allowed_ips="203.0.113.0/24")
    refused = hr.get("/api/v1/ledger/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This client may not call from this address."
    assert hr.get("/api/v1/ledger/", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_one_checked(
    connect, district_admin, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    hr = connect(district_admin, ["ledger:read"], allowed_ips="203.0.113.0/24")
    allowed = hr.get("/api/v1/ledger/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert allowed.status_code == 200
    spoofed = hr.get("/api/v1/ledger/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")
    assert spoofed.status_code == 403
