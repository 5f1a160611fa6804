"""Writes with an Idempotency-Key are carried out once; a client past its rate is told when to
come back; every call is logged with its client."""

from accounts.models import AuditEvent, Building
from api.models import ApiCall

from .conftest import ALL_SCOPES


def test_the_same_key_and_body_replays_the_first_answer(connect, district_admin):
    sis = connect(district_admin, ["people:write"])
    first = sis.put("/api/v1/buildings/B-1/", {"name": "Oak"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    events = AuditEvent.objects.count()
    replay = sis.put("/api/v1/buildings/B-1/", {"name": "Oak"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.count() == events
    assert Building.objects.filter(external_id="B-1").count() == 1


def test_the_same_key_with_another_body_is_refused(connect, district_admin):
    sis = connect(district_admin, ["people:write"])
    sis.put("/api/v1/buildings/B-1/", {"name": "Oak"}, HTTP_IDEMPOTENCY_KEY="k-1")
    other = sis.put("/api/v1/buildings/B-1/", {"name": "Elm"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert "another request" in other.json()["detail"]
    assert Building.objects.get(external_id="B-1").name == "Oak"


def test_a_refused_write_does_not_use_up_its_key(connect, district_admin):
    sis = connect(district_admin, ["people:write"])
    refused = sis.put("/api/v1/buildings/B-1/", {"name": ""}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert refused.status_code == 400
    fixed = sis.put("/api/v1/buildings/B-1/", {"name": ""}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert fixed.status_code == 400  # carried out again, not replayed
    assert "Idempotent-Replayed" not in fixed


def test_keys_are_each_clients_own(connect, district_admin):
    one = connect(district_admin, ["people:write"], name="SIS")
    two = connect(district_admin, ["people:write"], name="HR")
    one.put("/api/v1/buildings/B-1/", {"name": "Oak"}, HTTP_IDEMPOTENCY_KEY="k-1")
    answer = two.put("/api/v1/buildings/B-2/", {"name": "Elm"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert answer.status_code == 201
    assert "Idempotent-Replayed" not in answer


def test_a_client_past_its_rate_gets_429_with_retry_after(connect, district_admin, settings):
    settings.API_RATE = "3/min"
    hr = connect(district_admin, ["ledger:read"])
    other = connect(district_admin, ["ledger:read"], name="SIS")
    for _ in range(3):
        assert hr.get("/api/v1/ledger/").status_code == 200
    limited = hr.get("/api/v1/ledger/")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["status"] == 429
    # Another client of the same district has its own allowance.
    assert other.get("/api/v1/ledger/").status_code == 200


def test_an_unknown_route_of_a_resource_is_a_problem_too(connect, district_admin):
    hr = connect(district_admin, ALL_SCOPES)
    response = hr.get("/api/v1/people/nobody-has-this-id/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Nothing of your district has this identifier.",
        "instance": "/api/v1/people/nobody-has-this-id/",
    }


def test_every_call_is_logged_with_its_client(connect, district_admin):
    hr = connect(district_admin, ["ledger:read"])
    hr.get("/api/v1/ledger/")
    hr.get("/api/v1/people/")
    calls = list(
        ApiCall.objects.order_by("id").values_list("client_id", "method", "path", "status")
    )
    assert calls == [
        (hr.api_client.pk, "GET", "/api/v1/ledger/", 200),
        (hr.api_client.pk, "GET", "/api/v1/people/", 403),
    ]


def test_the_same_key_while_the_first_is_being_answered_is_a_conflict(connect, district_admin):
    from api.services import idempotent_write_claim, request_fingerprint

    sis = connect(district_admin, ["people:write"])
    path, body = "/api/v1/buildings/B-1/", {"name": "Oak"}
    # The first request with the key has claimed it and is still being carried out.
    _record, first = idempotent_write_claim(
        client=sis.api_client,
        key="k-1",
        fingerprint=request_fingerprint(method="PUT", path=path, body=body),
    )
    assert first
    second = sis.put(path, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert (
        second.json()["detail"] == "The request with this Idempotency-Key is still being answered."
    )
    assert not Building.objects.filter(external_id="B-1").exists()
