"""Issue 14, finding 5: adding people never reveals anything about another district. A row (or
an invitation) whose address is another district's person's reads exactly as a new address; it
creates nobody, changes nothing of theirs, and the address's owner is told instead."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from outbox.models import Mail

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,email,building,roles\n"


def preview(client, address: str):
    text = HEADER + f"Tak,En,{address},,educator\n"
    response = client.post(
        reverse("people:roster_import"),
        {"roster": SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 200
    return response


def without(address: str, html: str) -> str:
    """The page with the address itself taken out, and the one-time tokens (the import's, the
    forms' CSRF token)."""
    html = html.replace(address, "ADDRESS")
    return re.sub(r'name="(token|csrfmiddlewaretoken)" value="[^"]*"', "", html)


def test_a_roster_row_of_another_districts_address_reads_as_a_new_address(
    client, district_admin, outsider_educator
):
    client.force_login(district_admin)
    foreign = preview(client, outsider_educator.email)
    fresh = preview(client, "nobody.yet@lakeside.example.org")
    row, new = foreign.context["preview"].rows[0], fresh.context["preview"].rows[0]
    assert (row.result, row.reasons, row.changes) == (new.result, new.reasons, new.changes)
    assert row.result == "new"
    assert without(outsider_educator.email, foreign.content.decode()) == without(
        "nobody.yet@lakeside.example.org", fresh.content.decode()
    )


def test_importing_it_creates_nobody_and_tells_the_address_owner(
    client, district_admin, outsider_educator, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(district_admin)
    preview(client, outsider_educator.email)
    token = client.session["roster_import"]["token"]
    before = User.objects.values_list("pk", "district_id", "first_name", "last_name")
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("people:roster_confirm"), {"token": token, "invite_new": "on"}, follow=True
        )
    assert "1 new" in done.content.decode()
    assert list(User.objects.values_list("pk", "district_id", "first_name", "last_name")) == list(
        before
    )
    assert [m.to for m in mailoutbox] == [[outsider_educator.email]]
    assert district_admin.district.name in mailoutbox[0].subject
    assert "invitation" not in mailoutbox[0].body.lower()


def test_inviting_another_districts_address_answers_as_for_a_new_address(
    client, district_admin, outsider_educator, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)

    def invite(address: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("people:person_invite"),
                {"first_name": "A", "last_name": "B", "email": address, "is_educator": "on"},
                follow=True,
            )

    foreign = invite(outsider_educator.email)
    fresh = invite("fresh@pv.example.org")
    assert foreign.redirect_chain == fresh.redirect_chain
    assert f"An invitation was sent to {outsider_educator.email}." in foreign.content.decode()
    assert "An invitation was sent to fresh@pv.example.org." in fresh.content.decode()
    outsider_educator.refresh_from_db()
    assert outsider_educator.district != district_admin.district
    assert Mail.objects.filter(to=[outsider_educator.email]).count() == 1
