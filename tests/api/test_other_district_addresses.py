"""A roster sync never reveals that an address belongs to another district: a client of
district A that sends district B's person's address is answered exactly as for a fresh address
(the web page's rule, people.services.person_invite), and nothing of district B changes."""

from accounts.models import User
from outbox.models import Mail


def person(email: str) -> dict:
    return {"email": email, "first_name": "Tak", "last_name": "En", "roles": ["educator"]}


def answer_without(response, address: str, external_id: str) -> tuple:
    """The answer with the address and the external id (the client's own words) taken out."""
    body = response.content.decode().replace(address, "ADDRESS").replace(external_id, "ID")
    headers = sorted(h for h in response.headers if h.lower() != "content-length")
    return response.status_code, headers, body


def test_a_client_cannot_learn_another_districts_addresses(
    connect, district_admin, outsider_educator
):
    sis = connect(district_admin, ["people:write", "people:read"])
    taken = outsider_educator.email
    fresh = "fresh.person@pv.example.org"

    foreign = sis.put("/api/v1/people/S-1/", person(taken))
    new = sis.put("/api/v1/people/S-2/", person(fresh))

    assert foreign.status_code == 202, foreign.content
    assert answer_without(foreign, taken, "S-1") == answer_without(new, fresh, "S-2")
    assert foreign.json()["detail"] == f"An invitation was sent to {taken}."
    # Nothing of district B's person changed, nobody was created for the address in district A,
    # and the address's owner was told (one mail each, as for the fresh address's invitation).
    outsider_educator.refresh_from_db()
    assert outsider_educator.district_id != district_admin.district_id
    assert outsider_educator.external_id != "S-1"
    assert User.objects.filter(email__iexact=taken).count() == 1
    assert Mail.objects.filter(to__contains=[taken]).count() == 1
    assert Mail.objects.filter(to__contains=[fresh]).count() == 1


def test_a_nightly_sync_tells_the_addresss_owner_once_a_day(
    connect, district_admin, outsider_educator
):
    sis = connect(district_admin, ["people:write"])
    for _night in range(3):
        answer = sis.put("/api/v1/people/S-1/", person(outsider_educator.email))
        assert answer.status_code == 202
    assert Mail.objects.filter(to=[outsider_educator.email]).count() == 1
