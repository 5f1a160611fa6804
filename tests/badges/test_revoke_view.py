"""A district admin revokes an award once: an award already revoked shows when, by whom and
why, offers no form, and a second revocation posted anyway (a page left open in another tab)
changes nothing and says so."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from badges.models import Award
from badges.services import AwardError, award_revoke
from tests.accounts.factories import DistrictAdminFactory

pytestmark = pytest.mark.django_db


def revoke_url(award: Award) -> str:
    return reverse("badges:revoke", kwargs={"award_uuid": award.uuid})


def test_a_valid_award_offers_the_revoke_form(client, issued_award, district_admin):
    client.force_login(district_admin)
    body = client.get(revoke_url(issued_award)).content.decode()
    assert "Reason for revoking" in body
    assert "Revoke the award" in body


def test_a_revoked_award_says_when_by_whom_and_why_and_offers_no_form(
    client, issued_award, district_admin
):
    award_revoke(award=issued_award, reason="Evidence was another plan's.", actor=district_admin)
    issued_award.refresh_from_db()
    client.force_login(district_admin)
    response = client.get(revoke_url(issued_award))
    assert response.status_code == 200
    body = response.content.decode()
    assert "is revoked" in body
    assert date_format(timezone.localtime(issued_award.revoked_at)) in body
    assert district_admin.display_name in body
    assert "Evidence was another plan&#x27;s." in body
    assert "Reason for revoking" not in body
    assert "Revoke the award" not in body


def test_a_second_revocation_posted_anyway_changes_nothing_and_says_so(
    client, issued_award, district_admin
):
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    first = Award.objects.get(pk=issued_award.pk)
    other_admin = DistrictAdminFactory(district=district_admin.district)
    client.force_login(other_admin)

    response = client.post(revoke_url(issued_award), {"reason": "Another reason."})

    assert response.status_code == 409
    body = response.content.decode()
    assert "already revoked" in body
    assert district_admin.display_name in body
    assert "Issued in error." in body
    assert "Revoke the award" not in body
    after = Award.objects.get(pk=issued_award.pk)
    assert (after.revoked_at, after.revoked_by_id, after.revocation_reason) == (
        first.revoked_at,
        district_admin.pk,
        "Issued in error.",
    )


def test_the_service_refuses_a_second_revocation_with_who_and_when(issued_award, district_admin):
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    with pytest.raises(AwardError, match=f"already revoked on .* by {district_admin.display_name}"):
        award_revoke(award=issued_award, reason="Again.", actor=district_admin)


def test_the_awards_list_offers_revoke_only_for_an_award_that_may_be_revoked(
    client, issued_award, district_admin
):
    client.force_login(district_admin)
    listing = reverse("badges:district_awards")
    assert revoke_url(issued_award) in client.get(listing).content.decode()
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    assert revoke_url(issued_award) not in client.get(listing).content.decode()
