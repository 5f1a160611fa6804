"""A state admin suspends a district: its people cannot sign in (told why), those signed in are
signed out at their next request; unsuspended, they sign in again. Audited."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from states.services import DISTRICT_SUSPENDED, DISTRICT_UNSUSPENDED
from tests.accounts.factories import DistrictFactory, EducatorFactory, StateAdminFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def state_admin():
    return StateAdminFactory()


@pytest.fixture
def member(state_admin):
    return EducatorFactory(district=DistrictFactory(state=state_admin.state, name="Cedar Bluffs"))


def test_a_suspended_districts_people_cannot_sign_in_and_are_told_why(
    client, state_admin, member, password
):
    client.force_login(state_admin)
    confirm = client.get(reverse("states:district_suspend", args=[member.district.pk]))
    assert "Its 1 active person will no longer be able to sign in" in confirm.content.decode()
    member.district.refresh_from_db()
    assert not member.district.is_suspended  # asking is not doing
    response = client.post(reverse("states:district_suspend", args=[member.district.pk]))
    assert response.status_code == 302
    member.district.refresh_from_db()
    assert member.district.is_suspended
    event = AuditEvent.objects.get(action=DISTRICT_SUSPENDED, target_id=member.district.pk)
    assert (event.actor, event.from_status, event.to_status) == (state_admin, "active", "suspended")

    client.logout()
    refused = client.post(LOGIN, {"login": member.email, "password": password}, follow=True)
    assert "_auth_user_id" not in client.session
    page = refused.content.decode()
    assert "Cedar Bluffs is suspended on microcreds" in page
    assert "not correct" not in page
    # A wrong password is still only a wrong password: the suspension is no hint to a stranger.
    wrong = client.post(LOGIN, {"login": member.email, "password": "guess"}).content.decode()
    assert "not correct" in wrong and "suspended" not in wrong


def test_someone_signed_in_is_signed_out_at_their_next_request(client, state_admin, member):
    client.force_login(member)
    assert client.get(reverse("submissions:dashboard")).status_code == 200
    member.district.suspended_at = "2026-12-01T00:00:00Z"
    member.district.save()
    response = client.get(reverse("submissions:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_unsuspended_they_sign_in_again(client, state_admin, member, password):
    client.force_login(state_admin)
    client.post(reverse("states:district_suspend", args=[member.district.pk]))
    client.post(reverse("states:district_unsuspend", args=[member.district.pk]))
    assert AuditEvent.objects.filter(action=DISTRICT_UNSUSPENDED).count() == 1
    client.logout()
    client.post(LOGIN, {"login": member.email, "password": password})
    assert client.session["_auth_user_id"] == str(member.pk)


def test_another_states_district_is_not_found(client, state_admin):
    elsewhere = DistrictFactory(state=StateAdminFactory().state)
    client.force_login(state_admin)
    assert client.post(reverse("states:district_suspend", args=[elsewhere.pk])).status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.is_suspended


def test_a_district_admin_cannot_suspend_their_district(client, member):
    from tests.accounts.factories import DistrictAdminFactory

    admin = DistrictAdminFactory(district=member.district)
    client.force_login(admin)
    response = client.post(reverse("states:district_suspend", args=[member.district.pk]))
    assert response.status_code == 403
