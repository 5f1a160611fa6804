from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    # Public: verification, the credential documents, the issuer's DID and status list.
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<uuid:award_uuid>/", views.verify, name="verify"),
    path("verify/<uuid:award_uuid>/credential.json", views.credential_json, name="credential"),
    path("verify/<uuid:award_uuid>/badge.png", views.badge_png, name="badge_png"),
    path("verify/<uuid:award_uuid>/badge.svg", views.badge_svg, name="badge_svg"),
    path("verify/<uuid:award_uuid>/badge-ob2.png", views.ob2_png, name="ob2_png"),
    path("ob2/assertions/<uuid:award_uuid>.json", views.ob2_assertion, name="ob2_assertion"),
    path("ob2/badge-classes/<int:pk>.json", views.ob2_badge_class, name="ob2_badge_class"),
    path("ob2/badge-classes/<int:pk>.png", views.ob2_badge_class_image, name="ob2_badge_image"),
    path("ob2/issuers/<slug:slug>.json", views.ob2_issuer, name="ob2_issuer"),
    path("districts/<slug:slug>/did.json", views.did_document, name="did"),
    path("districts/<slug:slug>/status/revocation.json", views.status_list, name="status_list"),
    path("states/<slug:slug>/did.json", views.state_did_document, name="state_did"),
    path(
        "states/<slug:slug>/status/revocation.json",
        views.state_status_list,
        name="state_status_list",
    ),
    path(
        "verify/endorsements/<uuid:endorsement_uuid>/",
        views.endorsement_verify,
        name="endorsement_verify",
    ),
    path(
        "verify/endorsements/<uuid:endorsement_uuid>/credential.json",
        views.endorsement_credential,
        name="endorsement_credential",
    ),
    path("portfolio/<uuid:slug>/", views.public_portfolio, name="public_portfolio"),
    # Signed in: the educator's portfolio and downloads; a district admin's retry and revocation.
    path("badges/", views.portfolio, name="portfolio"),
    path("badges/portfolio/", views.portfolio_settings, name="portfolio_settings"),
    path("badges/transcript.json", views.transcript, name="transcript"),
    path(
        "badges/awards/<uuid:award_uuid>/download/<str:kind>/",
        views.award_download,
        name="award_download",
    ),
    path("badges/awards/<uuid:award_uuid>/renew/", views.renew, name="renew"),
    path(
        "badges/submissions/<int:submission_id>/public-evidence/",
        views.public_evidence,
        name="public_evidence",
    ),
    path(
        "badges/submissions/<int:submission_id>/progress/",
        views.issuance_progress,
        name="issuance_progress",
    ),
    path("badges/district/", views.district_awards, name="district_awards"),
    path(
        "badges/district/late/<int:submission_id>/retry/",
        views.issuance_retry,
        name="issuance_retry",
    ),
    path("badges/district/<uuid:award_uuid>/revoke/", views.revoke, name="revoke"),
    # Signed in as a state admin or a district admin: endorsements given and to give.
    path("badges/endorsements/", views.endorsements, name="endorsements"),
    path("badges/endorsements/entries/<int:pk>/", views.endorse, name="endorse"),
    path(
        "badges/endorsements/<uuid:endorsement_uuid>/withdraw/",
        views.endorsement_withdraw,
        name="endorsement_withdraw",
    ),
]
