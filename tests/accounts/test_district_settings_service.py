"""``district_settings_update``: the one way a district's settings change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, District
from accounts.services import DISTRICT_SETTINGS_UPDATED, district_settings_update
from tests.accounts.factories import DistrictAdminFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("intruder", ["educator", "reviewer", "outsider_admin"])
def test_only_an_admin_of_the_district_may_change_it(request, district, intruder):
    with pytest.raises(PermissionDenied, match="Only an admin of this district"):
        district_settings_update(
            district=district, actor=request.getfixturevalue(intruder), review_turnaround_days=3
        )
    district.refresh_from_db()
    assert district.review_turnaround_days == 14
    assert not AuditEvent.objects.exists()


def test_a_deactivated_admin_may_not(district):
    admin = DistrictAdminFactory(district=district, is_active=False)
    with pytest.raises(PermissionDenied):
        district_settings_update(district=district, actor=admin, name="Renamed")


def test_the_row_is_locked_and_only_the_changed_columns_are_written(district, district_admin):
    with CaptureQueriesContext(connection) as queries:
        changes = district_settings_update(
            district=district,
            actor=district_admin,
            name=district.name,
            review_turnaround_days=30,
            require_chair_confirmation=True,
        )
    assert changes == {
        "review_turnaround_days": {"from": 14, "to": 30},
        "require_chair_confirmation": {"from": False, "to": True},
    }
    sql = [q["sql"] for q in queries.captured_queries]
    assert any(s.startswith('SELECT "accounts_district"') and "FOR UPDATE" in s for s in sql)
    (update,) = [s for s in sql if s.startswith('UPDATE "accounts_district"')]
    set_clause = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert '"review_turnaround_days"' in set_clause
    assert '"require_chair_confirmation"' in set_clause
    assert '"name"' not in set_clause and '"primary_color"' not in set_clause
    event = AuditEvent.objects.get(action=DISTRICT_SETTINGS_UPDATED)
    assert event.detail == {"changes": changes}


def test_the_rules_hold_without_the_form(district, district_admin):
    with pytest.raises(ValidationError) as refused:
        district_settings_update(
            district=district,
            actor=district_admin,
            plan_reviewers_required=9,
            max_attempts=0,
            email_domains="kmsd.edu, not_a host",
            artifact_families=["video", "holograms"],
        )
    errors = refused.value.message_dict
    assert errors["plan_reviewers_required"] == ["Ensure this value is less than or equal to 5."]
    assert errors["max_attempts"] == ["Ensure this value is greater than or equal to 1."]
    assert errors["email_domains"][0].startswith("“not_a host” is not a domain name.")
    assert errors["artifact_families"][0].startswith("Choose among the types this site accepts")
    assert District.objects.get(pk=district.pk).plan_reviewers_required == 1
    assert not AuditEvent.objects.exists()


def test_unknown_settings_are_a_programming_error(district, district_admin):
    with pytest.raises(TypeError, match="Not a district setting: slug"):
        district_settings_update(district=district, actor=district_admin, slug="elsewhere")


def test_domains_are_normalised_and_one_domain_leads_to_one_district(
    district, district_admin, other_district
):
    district_settings_update(
        district=district, actor=district_admin, email_domains=" PV.example.org,,pv.example.org "
    )
    district.refresh_from_db()
    assert district.email_domains == "pv.example.org"
    other_admin = DistrictAdminFactory(district=other_district)
    with pytest.raises(ValidationError, match="pv.example.org already signs people in"):
        district_settings_update(
            district=other_district, actor=other_admin, email_domains="pv.example.org"
        )


def test_families_follow_the_deployment_until_the_district_chooses(
    district, district_admin, settings
):
    assert district.artifact_families is None
    # Saving the page with every type ticked is no change: the district still follows the
    # deployment.
    all_of_them = ["audio", "document", "image", "video"]
    assert (
        district_settings_update(
            district=district, actor=district_admin, artifact_families=all_of_them
        )
        == {}
    )
    district.refresh_from_db()
    assert district.artifact_families is None
    changes = district_settings_update(
        district=district, actor=district_admin, artifact_families=["video", "document"]
    )
    assert changes == {
        "artifact_families": {
            "from": ["document", "image", "video", "audio"],
            "to": ["document", "video"],
        }
    }
    district.refresh_from_db()
    assert district.artifact_families == ["document", "video"]
    # A type the deployment does not accept cannot be chosen.
    settings.ARTIFACT_ALLOWED_FAMILIES = ["document", "image"]
    with pytest.raises(ValidationError):
        district_settings_update(
            district=district, actor=district_admin, artifact_families=["image", "video"]
        )
