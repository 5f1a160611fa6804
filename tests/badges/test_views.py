import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from badges import images, open_badges
from badges.models import Award, Portfolio
from badges.services import award_issue_for_submission, award_revoke
from tests.accounts.factories import EducatorFactory
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def award(issued_award):
    return issued_award


def url(name, award, **extra):
    return reverse(f"badges:{name}", kwargs={"award_uuid": award.uuid, **extra})


# --- Public verification ----------------------------------------------------------------------


def test_verification_page_is_public_and_says_valid(client, award):
    response = client.get(url("verify", award))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Valid." in body
    assert award.educator.display_name in body
    assert "Classroom Routines" in body
    assert award.district.name in body
    assert url("credential", award) in body
    assert url("ob2_assertion", award) in body


def test_verification_page_shows_revocation_with_reason(client, award, district_admin):
    award_revoke(award=award, reason="Evidence was not the educator's own.", actor=district_admin)
    body = client.get(url("verify", award)).content.decode()
    assert "Revoked" in body
    assert "Evidence was not the educator&#x27;s own." in body
    assert "Valid." not in body


def test_verification_page_shows_expiry(client, award):
    Award.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(days=1))
    body = client.get(url("verify", award)).content.decode()
    assert "Expired" in body


def test_unknown_or_unissued_award_is_404(client, educator):
    submission = earned_submission(educator=educator)
    from badges.services import _award_record

    preparing = _award_record(submission.pk)
    assert client.get(url("verify", preparing)).status_code == 404
    assert client.get(url("credential", preparing)).status_code == 404


def test_credential_json_is_the_signed_credential(client, award):
    response = client.get(url("credential", award))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vc+ld+json")
    assert json.loads(response.content) == award.credential


def test_did_document_lists_the_key_as_multikey(client, award):
    response = client.get(reverse("badges:did", kwargs={"slug": award.district.slug}))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["id"] == award.credential["issuer"]["id"]
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert award.credential["proof"]["verificationMethod"] in document["assertionMethod"]
    assert client.get(reverse("badges:did", kwargs={"slug": "nowhere"})).status_code == 404


def test_status_list_is_signed_and_flips_on_revocation(client, award, district_admin):
    status_url = reverse("badges:status_list", kwargs={"slug": award.district.slug})
    before = json.loads(client.get(status_url).content)
    assert before["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert before["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    index = award.status_list_index
    bits = open_badges.decode_list(before["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 131072
    assert not bits[index // 8] & (0x80 >> (index % 8))

    award_revoke(award=award, reason="Issued in error.", actor=district_admin)

    after = json.loads(client.get(status_url).content)
    bits = open_badges.decode_list(after["credentialSubject"]["encodedList"])
    assert bits[index // 8] & (0x80 >> (index % 8))
    assert after["proof"]["proofValue"] != before["proof"]["proofValue"]


def test_public_badge_images_are_baked(client, award):
    png = client.get(url("badge_png", award))
    assert png["Content-Type"] == "image/png"
    baked = json.loads(images.read_png_text(png.content, "openbadgecredential"))
    assert baked == award.credential
    svg = client.get(url("badge_svg", award))
    assert images.read_svg_credential(svg.content.decode()) == award.credential


# --- Open Badges 2.0 --------------------------------------------------------------------------


def test_ob2_assertion_badge_class_and_issuer_have_every_required_field(client, award):
    assertion = json.loads(client.get(url("ob2_assertion", award)).content)
    for field in ["@context", "type", "id", "recipient", "badge", "verification", "issuedOn"]:
        assert assertion[field], field
    assert assertion["type"] == "Assertion"
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["recipient"]["identity"] == open_badges.identity_hash(
        award.educator.email, assertion["recipient"]["salt"]
    )
    assert assertion["id"] == f"http://testserver{url('ob2_assertion', award)}"

    badge_class = json.loads(
        client.get(assertion["badge"].removeprefix("http://testserver")).content
    )
    for field in ["@context", "type", "id", "name", "description", "image", "criteria", "issuer"]:
        assert badge_class[field], field
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["id"] == assertion["badge"]
    class_image = client.get(badge_class["image"].removeprefix("http://testserver"))
    assert class_image["Content-Type"] == "image/png"
    assert images.read_png_text(class_image.content, "openbadges") is None

    issuer = json.loads(client.get(badge_class["issuer"].removeprefix("http://testserver")).content)
    for field in ["@context", "type", "id", "name", "url", "email"]:
        assert issuer[field], field
    assert issuer["type"] == "Issuer"
    assert issuer["id"] == badge_class["issuer"]

    image = client.get(assertion["image"].removeprefix("http://testserver"))
    baked = json.loads(images.read_png_text(image.content, "openbadges"))
    assert baked["id"] == assertion["id"]


def test_badge_class_of_a_never_awarded_micro_credential_is_404(client, educator):
    submission = earned_submission(educator=educator)
    pk = submission.plan.microcredential_id
    assert client.get(reverse("badges:ob2_badge_class", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("badges:ob2_badge_image", kwargs={"pk": pk})).status_code == 404


def test_ob2_assertion_of_a_revoked_award_is_gone(client, award, district_admin):
    """OB 2.0, Revoking Hosted Assertions: 410 Gone; only ``id`` and ``revoked`` are required."""
    assertion_url = url("ob2_assertion", award)
    assert client.get(assertion_url).status_code == 200
    award_revoke(award=award, reason="Issued in error.", actor=district_admin)

    response = client.get(assertion_url)

    assert response.status_code == 410
    assert response["Content-Type"].startswith("application/ld+json")
    assertion = json.loads(response.content)
    assert assertion == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"http://testserver{assertion_url}",
        "revoked": True,
        "revocationReason": "Issued in error.",
    }


# --- Educator portfolio -----------------------------------------------------------------------


def test_portfolio_lists_awards_with_downloads_linkedin_and_signature(
    client, award, django_assert_max_num_queries
):
    client.force_login(award.educator)
    earned_submission(educator=award.educator, title="Formative Assessment")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("badges:portfolio"))
    body = response.content.decode()
    assert response.status_code == 200
    for kind in ["pdf", "png", "svg", "json"]:
        assert url("award_download", award, kind=kind) in body
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in body
    assert "certId=" + str(award.uuid) in body
    assert "&lt;a href=&quot;http://testserver/verify/" in body
    assert "Formative Assessment" in body and "being prepared" in body


def test_pages_load_badge_images_from_their_own_origin_whatever_site_url_says(
    client, award, settings
):
    # SITE_URL names another host and port than the one serving the page: an absolute image
    # URL would be blocked by the CSP (img-src 'self').
    settings.SITE_URL = "http://badges.example.org:8000"
    client.force_login(award.educator)
    body = client.get(reverse("badges:portfolio")).content.decode()
    image = url("badge_png", award)
    assert re.findall(r'<img[^>]* src="([^"]+)"', body) == [image, image]  # card, preview
    # What the educator copies into an e-mail signature is read elsewhere: absolute.
    assert f"src=&quot;http://badges.example.org:8000{image}&quot;" in body
    verify_page = client.get(url("verify", award)).content.decode()
    assert re.findall(r'<img[^>]* src="([^"]+)"', verify_page) == [image]


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("pdf", "application/pdf"), ("png", "image/png"), ("svg", "image/svg+xml")],
)
def test_owner_downloads_files(client, award, kind, content_type):
    client.force_login(award.educator)
    response = client.get(url("award_download", award, kind=kind))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    assert len(response.content) > 100


def test_owner_downloads_the_credential_json(client, award):
    client.force_login(award.educator)
    response = client.get(url("award_download", award, kind="json"))
    assert json.loads(response.content) == award.credential


@pytest.mark.parametrize("kind", ["pdf", "png", "svg", "json"])
def test_downloads_are_named_for_what_they_are_and_whose(client, award, kind):
    client.force_login(award.educator)
    response = client.get(url("award_download", award, kind=kind))
    what = "certificate" if kind == "pdf" else "badge"
    credential = slugify(award.microcredential.title)
    person = slugify(award.educator.display_name)
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{what}-{credential}-{person}.{kind}"'
    )


def test_public_portfolio_is_404_until_published(client, award):
    portfolio = Portfolio.objects.create(educator=award.educator)
    public_url = reverse("badges:public_portfolio", kwargs={"slug": portfolio.slug})
    assert client.get(public_url).status_code == 404

    client.force_login(award.educator)
    response = client.post(
        reverse("badges:portfolio_settings"), {"published": "on", "headline": "Grade 3 teacher"}
    )
    assert response.status_code == 302
    client.logout()

    body = client.get(public_url).content.decode()
    assert "Grade 3 teacher" in body and "Classroom Routines" in body

    client.force_login(award.educator)
    client.post(reverse("badges:portfolio_settings"), {"headline": ""})
    client.logout()
    assert client.get(public_url).status_code == 404


def test_public_portfolio_hides_revoked_awards(client, award, district_admin):
    portfolio = Portfolio.objects.create(educator=award.educator, published=True)
    award_revoke(award=award, reason="Issued in error.", actor=district_admin)
    body = client.get(reverse("badges:public_portfolio", kwargs={"slug": portfolio.slug}))
    assert "Classroom Routines" not in body.content.decode()


def test_portfolio_settings_rules(client, educator, reviewer):
    settings_url = reverse("badges:portfolio_settings")
    response = client.post(settings_url, {"published": "on"})
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    client.force_login(reviewer)
    assert client.post(settings_url, {"published": "on"}).status_code == 403
    client.force_login(educator)
    assert client.get(settings_url).status_code == 405


# --- Progress note ----------------------------------------------------------------------------


def test_progress_note_while_issuance_runs_then_ready(client, educator):
    submission = earned_submission(educator=educator)
    progress_url = reverse("badges:issuance_progress", kwargs={"submission_id": submission.pk})
    client.force_login(educator)

    preparing = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert "is being prepared" in preparing.content.decode()
    assert 'hx-trigger="every 3s"' in preparing.content.decode()

    award = award_issue_for_submission(submission_id=submission.pk)
    ready = client.get(progress_url).content.decode()
    assert "ready" in ready
    assert url("award_download", award, kind="pdf") in ready


# --- District admin: list and revocation ------------------------------------------------------


def test_district_awards_list(client, award, district_admin, django_assert_max_num_queries):
    award_issue_for_submission(
        submission_id=earned_submission(educator=EducatorFactory(district=award.district)).pk
    )
    client.force_login(district_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("badges:district_awards"))
    assert response.status_code == 200
    assert url("revoke", award) in response.content.decode()


def test_admin_revokes_with_a_reason(client, award, district_admin):
    client.force_login(district_admin)
    assert client.get(url("revoke", award)).status_code == 200
    response = client.post(url("revoke", award), {"reason": "Plagiarised evidence."})
    assert response.status_code == 302 and response["Location"] == reverse("badges:district_awards")
    award.refresh_from_db()
    assert award.is_revoked and award.revocation_reason == "Plagiarised evidence."
    assert award.revoked_by == district_admin
    assert "Revoked" in client.get(url("verify", award)).content.decode()


def test_revocation_needs_a_reason(client, award, district_admin):
    client.force_login(district_admin)
    response = client.post(url("revoke", award), {"reason": "  "})
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    award.refresh_from_db()
    assert not award.is_revoked


def test_an_unknown_download_kind_is_404(client, award):
    client.force_login(award.educator)
    assert client.get(url("award_download", award, kind="exe")).status_code == 404
