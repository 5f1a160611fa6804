"""What each resource says: the catalog, submissions (status and dates, never evidence),
awards (verification URL, credential, revocation with a reason), re-licensure, figures."""

import datetime as dt

from django.utils import timezone

from badges.models import Award
from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission
from tests.credentials.factories import MicroCredentialFactory
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory

from .conftest import ALL_SCOPES


def test_awards_carry_their_verification_url_and_credential(connect, district_admin, educator):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    hr = connect(district_admin, ["awards:read"])
    body = hr.get(f"/api/v1/awards/{award.uuid}/").json()
    assert body["verification_url"] == f"http://testserver/verify/{award.uuid}/"
    assert body["credential"] == award.credential
    assert (body["status"], body["counts"]) == ("valid", True)


def test_an_award_is_revoked_with_a_reason_through_the_api(connect, district_admin, educator):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    hr = connect(district_admin, ["awards:read", "awards:write"])
    no_reason = hr.post(f"/api/v1/awards/{award.uuid}/revoke/", {"reason": "  "})
    assert no_reason.status_code in (400, 422)
    revoked = hr.post(f"/api/v1/awards/{award.uuid}/revoke/", {"reason": "Plagiarised evidence."})
    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["counts"]) == ("revoked", False)
    award.refresh_from_db()
    assert (award.revocation_reason, award.revoked_by) == ("Plagiarised evidence.", district_admin)
    twice = hr.post(f"/api/v1/awards/{award.uuid}/revoke/", {"reason": "Again."})
    assert twice.status_code == 422
    detail = twice.json()["detail"]
    assert detail.startswith("This award was already revoked on "), detail
    assert detail.endswith(f"by {district_admin.display_name}; nothing was changed."), detail
    counting = hr.get("/api/v1/awards/", {"counting": "true"}).json()["results"]
    assert counting == []
    assert len(hr.get("/api/v1/awards/", {"counting": "false"}).json()["results"]) == 1


def test_a_client_whose_admin_left_cannot_write(connect, district_admin, educator):
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    hr = connect(district_admin, ["awards:write"])
    district_admin.is_district_admin = False
    district_admin.is_educator = True
    district_admin.save()
    response = hr.post(f"/api/v1/awards/{award.uuid}/revoke/", {"reason": "Plagiarised."})
    assert response.status_code == 403
    assert "no longer administers" in response.json()["detail"]
    assert Award.objects.get(pk=award.pk).revoked_at is None


def test_submissions_say_status_and_dates_never_evidence(connect, district_admin, educator):
    submission = earned_submission(educator=educator)
    submission.impact_results = "The students' private results."
    submission.save()
    sis = connect(district_admin, ["progress:read"])
    body = sis.get("/api/v1/submissions/", {"status": "earned"}).json()["results"]
    assert [s["id"] for s in body] == [submission.pk]
    assert body[0]["status"] == "earned" and body[0]["decided_at"]
    assert "private results" not in str(body)
    assert sis.get("/api/v1/submissions/", {"status": "draft"}).json()["results"] == []
    assert sis.get("/api/v1/submissions/", {"status": "nonsense"}).status_code == 400


def test_the_catalog_lists_the_published_entries_of_the_district(
    connect, district_admin, outsider_admin
):
    published = MicroCredentialFactory(district=district_admin.district, title="Routines")
    MicroCredentialFactory(district=district_admin.district, title="Draft", status="draft")
    MicroCredentialFactory(district=outsider_admin.district, title="Elsewhere")
    sis = connect(district_admin, ["catalog:read"])
    entries = sis.get("/api/v1/catalog/").json()["results"]
    assert [(e["id"], e["title"]) for e in entries] == [(published.pk, "Routines")]


def test_relicensure_status_per_educator(connect, district_admin, educator):
    today = timezone.localdate()
    cycle = ProgramCycleFactory(
        district=educator.district,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=200),
    )
    RenewalRuleFactory(
        district=educator.district, first_cycle=cycle, required_count=1, window_cycles=1
    )
    award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    hr = connect(district_admin, ["progress:read"])
    rows = hr.get("/api/v1/relicensure/").json()["results"]
    assert [(r["email"], r["renewal"], r["earned_count"]) for r in rows] == [
        (educator.email, "met", 1)
    ]


def test_report_figures_are_the_dashboards(connect, district_admin, educator):
    award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    hr = connect(district_admin, ALL_SCOPES)
    figures = hr.get("/api/v1/reports/figures/").json()
    assert {"stages", "pass_rates", "turnaround", "renewal"} <= set(figures)
