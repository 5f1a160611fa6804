import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, User
from badges.models import Award
from badges.services import award_issue_for_submission
from tests.accounts.factories import BuildingFactory, EducatorFactory
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db


def test_people_list_fixed_queries(client, district_admin, building, outsider_educator):
    client.force_login(district_admin)
    EducatorFactory(district=district_admin.district, building=building)
    client.get(reverse("people:list"))
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("people:list"))
    assert outsider_educator.email not in response.content.decode()
    for _ in range(10):
        EducatorFactory(district=district_admin.district, building=building)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("people:list"))
    assert len(large) == len(small) <= 10
    assert response.context["page"].paginator.count == 12


def test_people_list_filters(client, district_admin, educator, reviewer):
    client.force_login(district_admin)
    response = client.get(reverse("people:list"), {"role": "reviewer"})
    assert [p.email for p in response.context["page"]] == [reviewer.email]
    response = client.get(reverse("people:list"), {"q": "educator@"})
    assert [p.email for p in response.context["page"]] == [educator.email]


def test_invite_person_sends_link_that_sets_password(
    client, district_admin, building, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:person_invite"),
            {
                "first_name": "Ivy",
                "last_name": "Invited",
                "email": "Ivy@PV.example.org",
                "building": building.pk,
                "is_educator": "on",
            },
        )
    assert response.status_code == 302
    ivy = User.objects.get(email="ivy@pv.example.org")
    assert ivy.district == district_admin.district and ivy.is_educator
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/district/invitation/\S+/)", mailoutbox[0].body).group(1)

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and b"Set my password" in page.content
    weak = client.post(link, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and b"too short" in weak.content
    done = client.post(
        link, {"new_password1": "a-long-new-secret-42", "new_password2": "a-long-new-secret-42"}
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 302  # signed in: sent on to their dashboard
    ivy.refresh_from_db()
    assert ivy.check_password("a-long-new-secret-42")
    assert EmailAddress.objects.get(user=ivy).verified
    # Used once: the link no longer works.
    assert client.get(link).status_code == 404


def test_resend_gives_a_new_invitation(
    client, district_admin, district, mailoutbox, django_capture_on_commit_callbacks
):
    person = User.objects.create_user(
        email="late@pv.example.org", district=district, is_educator=True
    )
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:person_resend", args=[person.pk]))
        client.post(reverse("people:person_resend", args=[person.pk]))
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action="person.invited", target_id=person.pk).count() == 2
    listing = client.get(reverse("people:list")).content.decode()
    assert "Resend invitation" in listing


def test_invite_rejects_an_address_of_the_district(client, district_admin, educator):
    client.force_login(district_admin)
    response = client.post(
        reverse("people:person_invite"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": educator.email,
            "is_educator": "on",
        },
    )
    assert response.status_code == 200
    assert b"already has this address in your district" in response.content


def test_invite_rejects_a_second_address_someone_signs_in_with(
    client, district_admin, educator, outsider_admin
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=educator, email="home@example.net", verified=True)
    EmailAddress.objects.create(user=outsider_admin, email="other@example.net", verified=True)
    client.force_login(district_admin)
    form = {"first_name": "X", "last_name": "Y", "is_educator": "on"}
    response = client.post(reverse("people:person_invite"), {**form, "email": "Home@example.net"})
    assert response.status_code == 200
    assert b"already has this address in your district" in response.content
    # Another district's person's: answered as a new address, and nobody is created.
    response = client.post(reverse("people:person_invite"), {**form, "email": "other@example.net"})
    assert response.status_code == 302
    assert not User.objects.filter(email__in=["home@example.net", "other@example.net"]).exists()
    assert EmailAddress.objects.filter(email__iexact="home@example.net").count() == 1


def test_invite_requires_a_role(client, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("people:person_invite"),
        {"first_name": "A", "last_name": "B", "email": "x@pv.example.org"},
    )
    assert b"at least one role" in response.content
    assert not User.objects.filter(email="x@pv.example.org").exists()


def test_edit_person_roles_and_building(client, district_admin, educator):
    other = BuildingFactory(district=district_admin.district, name="North")
    client.force_login(district_admin)
    response = client.post(
        reverse("people:person_edit", args=[educator.pk]),
        {
            "first_name": "Eda",
            "last_name": "Edited",
            "building": other.pk,
            "is_educator": "on",
            "is_reviewer": "on",
        },
    )
    assert response.status_code == 302
    educator.refresh_from_db()
    assert educator.is_reviewer and educator.building == other and educator.last_name == "Edited"


def test_edit_cannot_use_another_districts_building(
    client, district_admin, educator, other_district
):
    theirs = BuildingFactory(district=other_district)
    client.force_login(district_admin)
    response = client.post(
        reverse("people:person_edit", args=[educator.pk]),
        {"first_name": "E", "last_name": "F", "building": theirs.pk, "is_educator": "on"},
    )
    assert response.status_code == 200
    educator.refresh_from_db()
    assert educator.building != theirs


def test_deactivate_keeps_records(client, district_admin, educator, settings, tmp_path):
    settings.BADGE_KEYS_DIR = tmp_path  # the district's signing keys, for this test only
    # Issued for real (signed), not an award record alone: the page checks the signature.
    submission = earned_submission(educator=educator)
    award = award_issue_for_submission(submission_id=submission.pk)
    client.force_login(district_admin)
    response = client.post(reverse("people:person_deactivate", args=[educator.pk]))
    assert response.status_code == 302
    educator.refresh_from_db()
    assert not educator.is_active
    submission.refresh_from_db()
    assert submission.status == "earned"
    # The award stays, issued and not revoked, and still verifies for anyone who holds it.
    award.refresh_from_db()
    assert award.verification_status == "valid"
    assert list(Award.objects.filter(educator=educator)) == [award]
    client.logout()
    verification = client.get(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    assert verification.status_code == 200
    assert verification.context["award"].verification_status == "valid"
    assert "Valid." in verification.content.decode()
    client.force_login(district_admin)
    client.post(reverse("people:person_reactivate", args=[educator.pk]))
    educator.refresh_from_db()
    assert educator.is_active


def test_deactivating_someone_from_the_list_asks_first_and_says_what_stays(
    client, district_admin, educator
):
    # One click on "Deactivate" opens what it means; only "Yes, deactivate" sends it.
    client.force_login(district_admin)
    page = client.get(reverse("people:list")).content.decode()
    action = reverse("people:person_deactivate", args=[educator.pk])
    disclosure = re.search(r'<details class="confirm-deactivate">(.*?)</details>', page, re.S)
    assert disclosure and action in disclosure.group(1)
    assert f'action="{action}"' not in page.replace(disclosure.group(0), "")
    assert "will no longer be able to sign in" in disclosure.group(1)
    assert "Their plans, awards and records stay" in disclosure.group(1)
    assert "Yes, deactivate" in disclosure.group(1)


def test_deactivating_someone_ends_their_sessions_for_good(client, district_admin, educator):
    """A browser left signed in does not come back to life when they are reactivated."""
    from django.test import Client

    theirs = Client()
    theirs.force_login(educator)
    assert theirs.get(reverse("submissions:dashboard")).status_code == 200
    client.force_login(district_admin)
    client.post(reverse("people:person_deactivate", args=[educator.pk]))
    client.post(reverse("people:person_reactivate", args=[educator.pk]))
    educator.refresh_from_db()
    assert educator.is_active
    response = theirs.get(reverse("submissions:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_admin_cannot_deactivate_self(client, district_admin):
    client.force_login(district_admin)
    client.post(reverse("people:person_deactivate", args=[district_admin.pk]))
    district_admin.refresh_from_db()
    assert district_admin.is_active


PERSON_ROUTES = [
    ("person_edit", "get"),
    ("person_resend", "post"),
    ("person_deactivate", "post"),
    ("person_reactivate", "post"),
]


@pytest.mark.parametrize(("name", "method"), PERSON_ROUTES)
def test_person_routes_access(client, educator, outsider_admin, other_educator, name, method):
    url = reverse(f"people:{name}", args=[educator.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(other_educator)
    assert getattr(client, method)(url).status_code == 403
    client.force_login(outsider_admin)
    assert getattr(client, method)(url).status_code == 404
    educator.refresh_from_db()
    assert educator.is_active


@pytest.mark.parametrize("name", ["person_resend", "person_deactivate", "person_reactivate"])
def test_person_actions_refuse_get(client, district_admin, educator, name):
    client.force_login(district_admin)
    assert client.get(reverse(f"people:{name}", args=[educator.pk])).status_code == 405


@pytest.mark.parametrize("name", ["list", "person_invite", "buildings", "goals", "goal_new"])
def test_admin_pages_access(client, district_admin, reviewer, name):
    url = reverse(f"people:{name}")
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(district_admin)
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405


def test_buildings_add_rename_delete(client, district_admin, building, educator):
    client.force_login(district_admin)
    client.post(reverse("people:buildings"), {"name": "North Middle"})
    north = district_admin.district.buildings.get(name="North Middle")
    duplicate = client.post(reverse("people:buildings"), {"name": "north middle"})
    assert b"Another building has this name" in duplicate.content
    client.post(reverse("people:building_edit", args=[north.pk]), {"name": "North MS"})
    north.refresh_from_db()
    assert north.name == "North MS"
    client.post(reverse("people:building_delete", args=[building.pk]))
    educator.refresh_from_db()
    assert educator.building is None and educator.is_active


def test_buildings_of_another_district_are_404(client, outsider_admin, building):
    client.force_login(outsider_admin)
    assert client.get(reverse("people:building_edit", args=[building.pk])).status_code == 404
    assert client.post(reverse("people:building_delete", args=[building.pk])).status_code == 404
    assert client.get(reverse("people:building_delete", args=[building.pk])).status_code == 405
    assert building.name not in client.get(reverse("people:buildings")).content.decode()


def test_goals_add_edit(client, district_admin, outsider_admin):
    client.force_login(district_admin)
    client.post(
        reverse("people:goal_new"),
        {"title": "Literacy for all", "description": "", "position": 1, "active": "on"},
    )
    goal = district_admin.district.goals.get()
    client.post(
        reverse("people:goal_edit", args=[goal.pk]),
        {"title": "Literacy for all", "description": "", "position": 1},
    )
    goal.refresh_from_db()
    assert goal.active is False
    client.force_login(outsider_admin)
    assert client.get(reverse("people:goal_edit", args=[goal.pk])).status_code == 404


def test_bad_invitation_link(client):
    assert client.get(reverse("people:invitation_accept", args=["zz", "nope"])).status_code == 404


def test_admin_dashboard_links_to_people_and_reports(client, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("people:admin_dashboard")).content.decode()
    assert reverse("people:list") in html and reverse("reports:index") in html
