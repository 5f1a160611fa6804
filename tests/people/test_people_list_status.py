"""The people list's status filter shows exactly the people whose row carries that badge."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_create
from people import services
from people.selectors import PersonStatus
from tests.accounts.factories import EducatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(district, district_admin):
    """One person of each status, and the one the old filter mistook: a person with a password
    of their own who has not signed in yet (their badge says Active)."""
    signed_in = EducatorFactory(district=district, email="signed.in@pv.example.org")
    signed_in.last_login = timezone.now()
    signed_in.save(update_fields=["last_login"])
    district_admin.last_login = timezone.now()
    district_admin.save(update_fields=["last_login"])
    own_password = EducatorFactory(district=district, email="own.password@pv.example.org")
    invited = services.person_invite(
        actor=district_admin,
        email="invited@pv.example.org",
        first_name="Ivy",
        last_name="Invited",
        building=None,
        is_educator=True,
    )
    not_invited = user_create(
        district=district, email="not.invited@pv.example.org", is_educator=True
    )
    gone = EducatorFactory(district=district, email="gone@pv.example.org", is_active=False)
    return {
        PersonStatus.ACTIVE: {signed_in.email, own_password.email, district_admin.email},
        PersonStatus.INVITED: {invited.email},
        PersonStatus.NOT_INVITED: {not_invited.email},
        PersonStatus.DEACTIVATED: {gone.email},
    }


def badges(html: str) -> dict[str, str]:
    """Each row's e-mail address and the words of its status badge."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    found = {}
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        badge = re.search(r'<span class="status[^"]*">([^<]*)</span>', row)
        if cells and badge:
            found[cells[0].strip()] = badge.group(1).split(" ")[0].strip()
    return found


@pytest.mark.parametrize("status", list(PersonStatus))
def test_filtering_by_a_status_shows_exactly_the_people_with_that_badge(
    client, district_admin, everyone, status
):
    client.force_login(district_admin)
    everybody = badges(client.get(reverse("people:list"), {"status": "all"}).content.decode())
    assert set(everybody) == set().union(*everyone.values())
    with_badge = {email for email, words in everybody.items() if words == status.label.split()[0]}
    assert with_badge == everyone[status]

    response = client.get(reverse("people:list"), {"status": status.value})
    shown = badges(response.content.decode())
    assert set(shown) == everyone[status]
    assert set(shown.values()) == {status.label.split()[0]}


def test_the_filter_offers_each_badge_and_opens_on_everyone_but_the_deactivated(
    client, district_admin, everyone
):
    client.force_login(district_admin)
    response = client.get(reverse("people:list"))
    offered = dict(response.context["form"].fields["status"].choices)
    for status in PersonStatus:
        assert offered[status.value] == status.label
    shown = badges(response.content.decode())
    assert set(shown) == set().union(*everyone.values()) - everyone[PersonStatus.DEACTIVATED]
