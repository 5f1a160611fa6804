"""The SIS syncs the roster by external id: people and buildings are created, updated and
deactivated, and sending the same roster again changes nothing."""

from accounts.models import AuditEvent, Building, User
from outbox.models import Mail

PERSON = {
    "email": "ada.lovelace@pv.example.org",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "building": "B-12",
    "roles": ["educator"],
}


def test_a_roster_sync_creates_updates_and_deactivates_idempotently(connect, district_admin):
    sis = connect(district_admin, ["people:read", "people:write"])
    assert sis.put("/api/v1/buildings/B-12/", {"name": "Maple Elementary"}).status_code == 201
    assert sis.put("/api/v1/buildings/B-12/", {"name": "Maple Elementary"}).status_code == 200
    assert Building.objects.filter(external_id="B-12").count() == 1

    invited = sis.put("/api/v1/people/S-1001/", PERSON)
    assert invited.status_code == 202
    assert invited.json() == {
        "external_id": "S-1001",
        "email": PERSON["email"],
        "detail": f"An invitation was sent to {PERSON['email']}.",
    }
    person = User.objects.get(external_id="S-1001")
    assert (person.district, person.is_educator) == (district_admin.district, True)
    assert Mail.objects.count() == 1  # the invitation

    events = AuditEvent.objects.count()
    again = sis.put("/api/v1/people/S-1001/", PERSON)
    assert again.status_code == 200
    assert again.json()["building"] == "B-12"
    assert again.json() == sis.get("/api/v1/people/S-1001/").json()
    assert AuditEvent.objects.count() == events  # nothing changed
    assert Mail.objects.count() == 1  # nobody invited twice

    moved = sis.put(
        "/api/v1/people/S-1001/", {**PERSON, "last_name": "King", "roles": ["educator", "reviewer"]}
    )
    assert moved.status_code == 200
    assert moved.json()["roles"] == ["educator", "reviewer"]
    person.refresh_from_db()
    assert (person.last_name, person.is_reviewer) == ("King", True)

    gone = sis.delete("/api/v1/people/S-1001/")
    assert gone.status_code == 200
    assert gone.json()["active"] is False
    assert sis.delete("/api/v1/people/S-1001/").status_code == 200
    person.refresh_from_db()
    assert not person.is_active

    back = sis.put("/api/v1/people/S-1001/", {**PERSON, "active": True})
    assert back.json()["active"] is True


def test_a_person_already_in_the_district_is_adopted_by_address(connect, district_admin, educator):
    sis = connect(district_admin, ["people:write", "people:read"])
    response = sis.put(
        "/api/v1/people/S-7/",
        {
            "email": educator.email.upper(),
            "first_name": "Eve",
            "last_name": "E",
            "roles": ["educator"],
        },
    )
    assert response.status_code == 200
    educator.refresh_from_db()
    assert educator.external_id == "S-7"
    assert User.objects.filter(email__iexact=educator.email).count() == 1


def test_an_unknown_building_is_a_problem_and_creates_nobody(connect, district_admin):
    sis = connect(district_admin, ["people:write"])
    response = sis.put("/api/v1/people/S-1/", {**PERSON, "building": "nowhere"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "nowhere" in response.json()["detail"]
    assert not User.objects.filter(external_id="S-1").exists()


def test_invalid_fields_are_listed_in_the_problem(connect, district_admin):
    sis = connect(district_admin, ["people:write"])
    response = sis.put("/api/v1/people/S-1/", {"email": "not an address", "roles": ["janitor"]})
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400
    assert set(problem["errors"]) == {"email", "roles"}


def test_the_list_filters_and_pages_by_cursor(connect, district_admin, educator, reviewer):
    sis = connect(district_admin, ["people:read"])
    educators = sis.get("/api/v1/people/", {"role": "educator"}).json()
    assert [p["email"] for p in educators["results"]] == [educator.email]
    first = sis.get("/api/v1/people/", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    rest = sis.http.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {sis.token}").json()
    emails = [p["email"] for p in first["results"] + rest["results"]]
    assert sorted(emails) == sorted([district_admin.email, educator.email, reviewer.email])


def test_the_people_list_costs_the_same_queries_at_any_size(
    connect, district_admin, django_assert_max_num_queries
):
    from tests.accounts.factories import EducatorFactory

    sis = connect(district_admin, ["people:read"])
    EducatorFactory.create_batch(3, district=district_admin.district)
    with django_assert_max_num_queries(8) as small:
        assert len(sis.get("/api/v1/people/").json()["results"]) == 4
    small_count = len(small.captured_queries)
    EducatorFactory.create_batch(60, district=district_admin.district)
    with django_assert_max_num_queries(small_count):
        assert len(sis.get("/api/v1/people/").json()["results"]) == 64
