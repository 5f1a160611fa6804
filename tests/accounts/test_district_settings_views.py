"""The district settings page: who may see and change it, what it saves, how it refuses."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from accounts.models import AuditEvent, District
from accounts.services import DISTRICT_SETTINGS_UPDATED
from tests.artifacts.conftest import jpeg_with_gps, png_bytes

pytestmark = pytest.mark.django_db

URL = "/district/settings/"


def body(district: District, **changes) -> dict:
    """What the browser sends for ``district`` as it is, with ``changes``."""
    data = {
        "name": district.name,
        "primary_color": district.primary_color,
        "secondary_color": district.secondary_color,
        "signatory_name": district.signatory_name,
        "signatory_title": district.signatory_title,
        "email_domains": district.email_domains,
        "plan_reviewers_required": district.plan_reviewers_required,
        "final_reviewers_required": district.final_reviewers_required,
        "review_turnaround_days": district.review_turnaround_days,
        "max_attempts": district.max_attempts or "",
        "artifact_retention_days": district.artifact_retention_days or "",
        "artifact_families": ["document", "image", "video", "audio"],
    }
    if district.exclude_same_building_reviewers:
        data["exclude_same_building_reviewers"] = "on"
    if district.require_chair_confirmation:
        data["require_chair_confirmation"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def snapshot(district: District) -> dict:
    return {
        f.name: getattr(District.objects.get(pk=district.pk), f.attname)
        for f in District._meta.concrete_fields
    }


def test_the_route_is_under_district_settings():
    assert reverse("accounts:district_settings") == URL


def test_an_admin_sees_the_settings_grouped_and_explained(client, district_admin, district):
    client.force_login(district_admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for legend in ("Profile and certificate", "Sign-in domains", "Reviews", "Evidence files"):
        assert f"<legend>{legend}</legend>" in html
    assert "How many reviewers must approve a plan before the educator starts (1 to 5)" in html
    assert "Links are always accepted." in html
    assert 'value="Prairie View USD"' in html
    # A district that never chose accepts every type the deployment accepts: all ticked.
    assert ticked_families(html) == ["document", "image", "video", "audio"]
    assert "No changes yet" in html


def ticked_families(html: str) -> list[str]:
    return re.findall(r'name="artifact_families" value="(\w+)"[^>]* checked', html)


def test_only_the_types_the_deployment_accepts_are_offered(
    client, district_admin, district, settings
):
    settings.ARTIFACT_ALLOWED_FAMILIES = ["document", "image", "audio"]
    client.force_login(district_admin)
    html = client.get(URL).content.decode()
    assert ticked_families(html) == ["document", "image", "audio"]
    assert 'value="video"' not in html
    response = client.post(URL, body(district, artifact_families=["document", "video"]))
    assert "video is not one of the available choices" in response.content.decode()


def test_the_page_is_linked_from_the_dashboard_and_the_navigation(client, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("people:admin_dashboard")).content.decode()
    assert html.count(f'href="{URL}"') == 2
    assert "District settings: certificates, sign-in, reviews, evidence files" in html


def test_saving_changes_the_district_and_audits_what_changed_from_what(
    client, district_admin, district
):
    client.force_login(district_admin)
    response = client.post(
        URL,
        body(
            district,
            name="Prairie View Unified",
            secondary_color="#336699",
            email_domains="PV.example.org, staff.pv.example.org, pv.example.org",
            plan_reviewers_required=2,
            final_reviewers_required=3,
            review_turnaround_days=21,
            exclude_same_building_reviewers=None,
            require_chair_confirmation="on",
            max_attempts=3,
            artifact_retention_days=365,
            artifact_families=["document", "image", "audio"],
        ),
    )
    assert response.status_code == 302 and response["Location"] == URL
    district.refresh_from_db()
    assert district.name == "Prairie View Unified"
    assert district.secondary_color == "#336699"
    assert district.email_domains == "pv.example.org, staff.pv.example.org"
    assert (district.plan_reviewers_required, district.final_reviewers_required) == (2, 3)
    assert district.review_turnaround_days == 21
    assert district.exclude_same_building_reviewers is False
    assert district.require_chair_confirmation is True
    assert (district.max_attempts, district.artifact_retention_days) == (3, 365)
    assert district.artifact_families == ["document", "image", "audio"]
    event = AuditEvent.objects.get(action=DISTRICT_SETTINGS_UPDATED)
    assert event.actor == district_admin and event.district == district
    assert event.target_type == "accounts.district" and event.target_id == district.pk
    changes = event.detail["changes"]
    assert changes["name"] == {"from": "Prairie View USD", "to": "Prairie View Unified"}
    assert changes["plan_reviewers_required"] == {"from": 1, "to": 2}
    assert changes["max_attempts"] == {"from": None, "to": 3}
    assert changes["exclude_same_building_reviewers"] == {"from": True, "to": False}
    assert changes["artifact_families"] == {
        "from": ["document", "image", "video", "audio"],
        "to": ["document", "image", "audio"],
    }
    assert "primary_color" not in changes and "signatory_name" not in changes

    page = client.get(URL).content.decode()
    assert "The district settings were saved." in page
    assert "Reviewers per plan: 1 → 2" in page
    assert "Attempts allowed per micro-credential: empty → 3" in page
    assert (
        "Evidence file types accepted: documents (PDF, office files, text), images, video, audio"
        " → documents (PDF, office files, text), images, audio"
    ) in page
    assert ticked_families(page) == ["document", "image", "audio"]


def test_saving_without_a_change_writes_nothing(client, district_admin, district):
    client.force_login(district_admin)
    before = snapshot(district)
    response = client.post(URL, body(district), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert snapshot(district) == before
    assert not AuditEvent.objects.filter(action=DISTRICT_SETTINGS_UPDATED).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"plan_reviewers_required": 0}, "plan_reviewers_required", "greater than or equal to 1"),
        ({"final_reviewers_required": 6}, "final_reviewers_required", "less than or equal to 5"),
        ({"review_turnaround_days": 0}, "review_turnaround_days", "greater than or equal to 1"),
        ({"review_turnaround_days": 91}, "review_turnaround_days", "less than or equal to 90"),
        ({"max_attempts": 0}, "max_attempts", "greater than or equal to 1"),
        ({"max_attempts": 11}, "max_attempts", "less than or equal to 10"),
        ({"max_attempts": "two"}, "max_attempts", "Enter a whole number."),
        ({"artifact_retention_days": 0}, "artifact_retention_days", "greater than or equal to 1"),
        ({"primary_color": "blue"}, "primary_color", "Use a color like #1f4e79."),
        ({"secondary_color": "#12345"}, "secondary_color", "Use a color like #1f4e79."),
        ({"name": "  "}, "name", "This field is required."),
        (
            {"email_domains": "pv.example.org, not a domain"},
            "email_domains",
            "“not a domain” is not a domain name.",
        ),
        ({"email_domains": "localhost"}, "email_domains", "“localhost” is not a domain name."),
        (
            {"email_domains": "pv.example.org, Gmail.com"},
            "email_domains",
            "“gmail.com” is a public mail service",
        ),
        (
            {"artifact_families": ["video", "executable"]},
            "artifact_families",
            "Select a valid choice. executable is not one of the available choices.",
        ),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_lost(
    client, district_admin, district, changes, field, message
):
    client.force_login(district_admin)
    before = snapshot(district)
    sent = body(district, signatory_title="Chief Academic Officer", **changes)
    response = client.post(URL, sent)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert "Please correct the following" in html
    # What was typed stays in the form; nothing was saved.
    assert 'value="Chief Academic Officer"' in html
    assert snapshot(district) == before
    assert not AuditEvent.objects.filter(action=DISTRICT_SETTINGS_UPDATED).exists()


def test_a_domain_of_another_district_is_refused(client, district_admin, district, other_district):
    other_district.email_domains = "lakeside.example.org"
    other_district.save()
    client.force_login(district_admin)
    response = client.post(
        URL, body(district, email_domains="pv.example.org, LAKESIDE.example.org")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email_domains"] == [
        "lakeside.example.org already signs people in to another district; a domain can belong "
        "to one district only."
    ]
    district.refresh_from_db()
    assert district.email_domains == ""


def png_with_text_chunk() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "taken at 12 Elm Street")
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 80, 160)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_a_logo_is_re_encoded_without_metadata_and_replaces_the_old_one(
    client, district_admin, district, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    upload = SimpleUploadedFile("logo.png", png_with_text_chunk(), content_type="image/png")
    response = client.post(URL, {**body(district), "logo": upload})
    assert response.status_code == 302
    district.refresh_from_db()
    first = district.logo.name
    assert first.startswith("districts/logos/prairie-view") and first.endswith(".png")
    with default_storage.open(first, "rb") as handle:
        stored = handle.read()
    assert b"Elm Street" not in stored
    assert Image.open(io.BytesIO(stored)).size == (80, 40)
    event = AuditEvent.objects.get(action=DISTRICT_SETTINGS_UPDATED)
    assert event.detail["changes"] == {"logo": {"from": "", "to": first}}

    # A phone photo as the new logo: the GPS position does not survive; the old file goes.
    photo = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**body(district), "logo": photo})
    district.refresh_from_db()
    assert district.logo.name.endswith(".jpg") and district.logo.name != first
    with default_storage.open(district.logo.name, "rb") as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()
    assert not default_storage.exists(first)

    page = client.get(URL).content.decode()
    assert 'alt="The current logo of Prairie View USD"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**body(district), "remove_logo": "on"})
    district.refresh_from_db()
    assert not district.logo


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.png",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "“logo.png” is an HTML web page, not a picture the certificate can carry.",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect/></svg>',
            "“logo.svg” is an SVG drawing, not a picture the certificate can carry.",
        ),
        ("logo.png", png_bytes()[:60], "“logo.png” is damaged or not a readable image"),
        ("logo.png", b"", "The submitted file is empty."),
    ],
)
def test_a_logo_that_is_not_a_readable_image_is_refused(
    client, district_admin, district, name, content, message
):
    client.force_login(district_admin)
    upload = SimpleUploadedFile(name, content)
    response = client.post(URL, {**body(district, signatory_name="Dr. Ada Lee"), "logo": upload})
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["logo"])
    assert 'value="Dr. Ada Lee"' in response.content.decode()
    district.refresh_from_db()
    assert not district.logo and district.signatory_name == "Dr. Pat Lee"


def test_a_logo_over_the_size_limit_is_refused(client, district_admin, district, monkeypatch):
    monkeypatch.setattr("accounts.forms.LOGO_MAX_BYTES", 1000)
    client.force_login(district_admin)
    big = png_bytes(size=(300, 300), color=(1, 2, 3)) + b"\x00" * 2000
    response = client.post(URL, {**body(district), "logo": SimpleUploadedFile("big.png", big)})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["logo"]
    assert error.startswith("The logo is ")
    assert error.endswith("KB; the largest accepted is 1000 bytes.")
    district.refresh_from_db()
    assert not district.logo


def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client, district):
    before = snapshot(district)
    for response in (client.get(URL), client.post(URL, body(district, name="Hijacked"))):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert snapshot(district) == before


@pytest.mark.parametrize(
    "intruder", ["educator", "other_educator", "reviewer", "outsider_educator"]
)
def test_people_without_the_admin_role_get_403_and_change_nothing(
    client, request, district, intruder
):
    client.force_login(request.getfixturevalue(intruder))
    before = snapshot(district)
    assert client.get(URL).status_code == 403
    assert client.post(URL, body(district, name="Hijacked")).status_code == 403
    assert snapshot(district) == before


def test_another_districts_admin_sees_and_changes_only_their_own(
    client, district_admin, district, outsider_admin, other_district
):
    client.force_login(outsider_admin)
    html = client.get(URL).content.decode()
    assert 'value="Lakeside SD"' in html and "Prairie View USD" not in html
    before = snapshot(district)
    client.post(URL, body(other_district, plan_reviewers_required=4))
    other_district.refresh_from_db()
    assert other_district.plan_reviewers_required == 4
    assert snapshot(district) == before
    assert "Reviewers per plan: 1 → 4" in client.get(URL).content.decode()
    # Their history is theirs: our admin does not see it.
    client.force_login(district_admin)
    assert "Reviewers per plan: 1 → 4" not in client.get(URL).content.decode()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, district_admin, district, method):
    client.force_login(district_admin)
    before = snapshot(district)
    assert getattr(client, method)(URL).status_code == 405
    assert snapshot(district) == before


def test_the_history_keeps_a_fixed_query_count(client, district_admin, district):
    client.force_login(district_admin)
    client.post(URL, body(district, review_turnaround_days=20))
    district.refresh_from_db()
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for days in range(21, 30):
        client.post(URL, body(district, review_turnaround_days=days))
        district.refresh_from_db()
    with CaptureQueriesContext(connection) as ten:
        response = client.get(URL)
    assert len(response.context["history"]) == 10
    assert "Review turnaround (days): 28 → 29" in response.content.decode()
    assert len(ten) == len(one) <= 10
