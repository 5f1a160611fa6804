"""An earned plan's page links to its certificate, badge and verification page; a revoked award
says so and is no longer offered for sharing, on the plan page and in the portfolio."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from badges.models import Award
from badges.services import _award_record, award_revoke

pytestmark = pytest.mark.django_db


def plan_page(client, submission) -> str:
    client.force_login(submission.educator)
    response = client.get(reverse("submissions:detail", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def award_url(name, award, **extra):
    return reverse(f"badges:{name}", kwargs={"award_uuid": award.uuid, **extra})


def test_an_earned_plan_links_to_its_certificate_badge_and_verification(client, issued_award):
    page = plan_page(client, issued_award.submission)
    assert "Your certificate and badge" in page and "Valid." in page
    assert award_url("award_download", issued_award, kind="pdf") in page
    assert award_url("award_download", issued_award, kind="png") in page
    assert award_url("verify", issued_award) in page
    assert reverse("badges:portfolio") in page


def test_an_award_still_being_prepared_shows_its_progress_on_the_plan(client, educator):
    from tests.badges.factories import earned_submission

    submission = earned_submission(educator=educator)
    _award_record(submission.pk)
    page = plan_page(client, submission)
    assert "is being prepared" in page
    assert reverse("badges:issuance_progress", args=[submission.pk]) in page


def test_a_revoked_award_says_so_on_the_plan_and_offers_no_downloads(
    client, issued_award, district_admin
):
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    page = plan_page(client, issued_award.submission)
    assert "Revoked" in page and "Issued in error." in page and "Valid." not in page
    assert award_url("award_download", issued_award, kind="pdf") not in page
    assert award_url("verify", issued_award) in page


def test_a_plan_not_earned_shows_no_award(client, educator):
    from tests.submissions.factories import SubmissionFactory

    page = plan_page(client, SubmissionFactory(plan__lead=educator))
    assert "Your certificate and badge" not in page


def test_the_portfolio_offers_no_linkedin_or_signature_for_a_revoked_award(
    client, issued_award, district_admin
):
    client.force_login(issued_award.educator)
    before = client.get(reverse("badges:portfolio")).content.decode()
    assert "Add to LinkedIn" in before and "e-mail signature" in before
    award_revoke(award=issued_award, reason="Issued in error.", actor=district_admin)
    page = client.get(reverse("badges:portfolio")).content.decode()
    assert "Add to LinkedIn" not in page and "linkedin.com" not in page
    assert "Show it in your e-mail signature" not in page
    assert "no longer offered for download, LinkedIn or an e-mail signature" in page
    assert "Issued in error." in page
    # The award itself is still listed, with its verification page, which says revoked.
    assert award_url("verify", issued_award) in page


def lapse(award, how: str, admin) -> str:
    """Revoke the award or let it expire; the date the portfolio should name."""
    if how == "revoked":
        award_revoke(award=award, reason="Issued in error.", actor=admin)
        award.refresh_from_db()
        return date_format(timezone.localtime(award.revoked_at))
    Award.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(days=3))
    award.refresh_from_db()
    return date_format(timezone.localtime(award.expires_at))


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_the_portfolio_marks_a_lapsed_award_and_offers_none_of_its_files(
    client, issued_award, district_admin, how
):
    client.force_login(issued_award.educator)
    before = client.get(reverse("badges:portfolio")).content.decode()
    assert "Valid." in before
    assert award_url("award_download", issued_award, kind="pdf") in before

    on = lapse(issued_award, how, district_admin)
    page = client.get(reverse("badges:portfolio")).content.decode()

    assert f"<strong>{how.capitalize()}</strong> on {on}" in page and "Valid." not in page
    if how == "revoked":
        assert "Reason: Issued in error." in page
    for kind in ["pdf", "png", "svg", "json"]:
        assert award_url("award_download", issued_award, kind=kind) not in page
    assert "Add to LinkedIn" not in page and "Show it in your e-mail signature" not in page
    assert award_url("verify", issued_award) in page


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_lapsed_award_s_certificate_is_not_downloaded_by_its_old_link(
    client, issued_award, district_admin, how
):
    client.force_login(issued_award.educator)
    pdf = award_url("award_download", issued_award, kind="pdf")
    assert client.get(pdf).status_code == 200
    lapse(issued_award, how, district_admin)
    response = client.get(pdf)
    assert response.status_code == 404
    assert f"was {how} and no longer counts" in response.content.decode()


def test_the_progress_note_of_a_revoked_award_says_revoked_not_ready(
    client, issued_award, district_admin
):
    lapse(issued_award, "revoked", district_admin)
    client.force_login(issued_award.educator)
    note = client.get(
        reverse("badges:issuance_progress", args=[issued_award.submission_id])
    ).content.decode()
    assert "Revoked" in note and "are ready" not in note
    assert award_url("award_download", issued_award, kind="pdf") not in note
