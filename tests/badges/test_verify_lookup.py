"""/verify/: anyone types or scans a certificate ID and lands on its verification page."""

import pytest
from django.urls import reverse

from badges.services import _award_record, award_revoke
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db
LOOKUP = "/verify/"


def test_the_lookup_is_at_verify_and_linked_from_every_page(client):
    assert reverse("badges:verify_lookup") == LOOKUP
    page = client.get(LOOKUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="certificate"' in html and "Certificate ID or verification link" in html
    sign_in = client.get(reverse("account_login")).content.decode()
    assert f'href="{LOOKUP}"' in sign_in


@pytest.mark.parametrize(
    "typed",
    [
        "{uuid}",
        "  {UUID}  ",
        "http://testserver/verify/{uuid}/",
        "https://microcreds.district.org/verify/{uuid}/credential.json",
        "{hex}",
    ],
    ids=["as printed", "capitals and spaces", "its link", "a link to its document", "no dashes"],
)
def test_an_id_or_its_link_lands_on_the_verification_page(client, issued_award, typed):
    value = typed.format(
        uuid=issued_award.uuid, UUID=str(issued_award.uuid).upper(), hex=issued_award.uuid.hex
    )
    response = client.get(LOOKUP, {"certificate": value})
    assert response.status_code == 302
    assert response["Location"] == reverse("badges:verify", args=[issued_award.uuid])


def test_a_revoked_certificate_is_found_and_says_so(client, issued_award, district_admin):
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    response = client.get(LOOKUP, {"certificate": str(issued_award.uuid)}, follow=True)
    assert "Revoked" in response.content.decode()


def test_an_unknown_id_says_so_plainly(client, educator):
    preparing = _award_record(earned_submission(educator=educator).pk)
    for unknown in ("00000000-0000-4000-8000-000000000000", str(preparing.uuid)):
        response = client.get(LOOKUP, {"certificate": unknown})
        assert response.status_code == 404
        html = response.content.decode()
        assert "No certificate has this ID." in html
        assert f'value="{unknown}"' in html


def test_something_that_is_not_an_id_says_what_an_id_looks_like(client):
    response = client.get(LOOKUP, {"certificate": "Elena Martinez"})
    assert response.status_code == 200
    assert "This is not a certificate ID" in response.content.decode()


def test_only_get(client):
    assert client.post(LOOKUP, {"certificate": "x"}).status_code == 405
