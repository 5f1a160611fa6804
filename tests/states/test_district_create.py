"""A state admin creates a district, on the page or with ``manage.py create_district``: the
district belongs to the state and its first admin is invited by e-mail (single-use link)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditEvent, District, User
from states.services import DISTRICT_CREATED, district_create
from tests.accounts.factories import DistrictFactory, StateAdminFactory, StateFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Cedar Bluffs USD 451",
    "slug": "cedar-bluffs",
    "domains": "Cedar451.org, staff.cedar451.org",
    "first_admin_email": "Superintendent@Cedar451.org",
}


def invitation_link(message) -> str:
    return re.search(r"http://testserver(/district/invitation/\S+/)", message.body).group(1)


def test_the_page_creates_the_district_and_its_first_admin_accepts_the_invitation(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    state_admin = StateAdminFactory(state__name="Kansas")
    client.force_login(state_admin)
    assert client.get(reverse("states:district_new")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("states:district_new"), NEW)
    assert response.status_code == 302 and response["Location"] == reverse("states:dashboard")
    district = District.objects.get(slug="cedar-bluffs")
    assert district.state == state_admin.state
    assert district.email_domains == "cedar451.org, staff.cedar451.org"
    admin = User.objects.get(email="superintendent@cedar451.org")
    assert admin.district == district and admin.is_district_admin and not admin.is_educator
    assert AuditEvent.objects.filter(
        action=DISTRICT_CREATED, target_id=district.pk, actor=state_admin
    ).exists()
    [message] = mailoutbox
    assert message.to == ["superintendent@cedar451.org"]
    assert "Cedar Bluffs USD 451" in message.subject
    link = invitation_link(message)

    client.logout()
    done = client.post(
        link, {"new_password1": "a-long-new-secret-42", "new_password2": "a-long-new-secret-42"}
    )
    assert done.status_code == 302
    assert client.get("/")["Location"] == reverse("people:admin_dashboard")
    assert client.get(link).status_code == 404  # used once


def test_each_mistake_is_told_beside_its_field_and_nothing_is_created(client, mailoutbox):
    state_admin = StateAdminFactory()
    DistrictFactory(slug="taken", email_domains="usd1.org")
    UserFactory(email="someone@usd1.org")
    before = District.objects.count()
    client.force_login(state_admin)
    response = client.post(
        reverse("states:district_new"),
        {
            "name": "Twice",
            "slug": "taken",
            "domains": "gmail.com",
            "first_admin_email": "someone@usd1.org",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Another district has this short name." in errors["slug"]
    assert "public mail service" in errors["domains"][0]
    assert "already has an account" in errors["first_admin_email"][0]
    assert District.objects.count() == before and not mailoutbox


def test_a_domain_of_another_district_is_refused():
    state = StateFactory()
    DistrictFactory(email_domains="usd1.org")
    with pytest.raises(ValidationError) as refused:
        district_create(
            state=state,
            name="B",
            slug="b",
            domains="usd1.org",
            first_admin_email="a@b.org",
            actor=None,
        )
    assert "already signs people in to another district" in refused.value.message_dict["domains"][0]


def test_only_an_admin_of_this_state_creates_its_districts():
    state = StateFactory()
    elsewhere = StateAdminFactory()
    with pytest.raises(PermissionDenied):
        district_create(state=state, actor=elsewhere, **NEW)
    assert not District.objects.exists()


def test_the_command_creates_the_district_and_invites_its_admin(
    mailoutbox, django_capture_on_commit_callbacks
):
    StateFactory(slug="kansas", name="Kansas")
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_district",
            "--state=kansas",
            "--name=Cedar Bluffs USD 451",
            "--slug=cedar-bluffs",
            "--domain=cedar451.org",
            "--admin-email=superintendent@cedar451.org",
        )
    district = District.objects.get(slug="cedar-bluffs")
    assert district.state.slug == "kansas" and district.email_domains == "cedar451.org"
    [message] = mailoutbox
    assert "The microcreds team invited you" in message.body
    assert invitation_link(message)


def test_the_command_says_what_is_wrong():
    StateFactory(slug="kansas")
    with pytest.raises(CommandError, match="No state “texas”"):
        call_command(
            "create_district", "--state=texas", "--name=A", "--slug=a", "--admin-email=a@a.org"
        )
    with pytest.raises(CommandError, match="slug: Enter a valid"):
        call_command(
            "create_district",
            "--state=kansas",
            "--name=A",
            "--slug=no spaces",
            "--admin-email=a@a.org",
        )
