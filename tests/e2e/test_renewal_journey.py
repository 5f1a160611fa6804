"""Renewing a credential, in Chromium: the reminder e-mail arrives (the beat task runs), the
educator follows its link and renews by the entry's shortened plan (new Impact results and
Reflection, fresh evidence), a reviewer who reads that it is a renewal passes it, and the new
credential names the one it renews. Then both transcripts are downloaded: the educator's own
and the one a district admin makes for them; each holds the renewed credential once.

The people, the panel and the catalog entry are the whole journey's (``test_whole_journey``);
the first award is issued through the service, as the panel's decision would.
"""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import District as DistrictRecord
from badges.models import Award
from badges.services import award_issue_for_submission
from badges.tasks import send_renewal_reminders
from credentials.models import MicroCredential
from submissions.models import Submission
from tests.e2e.test_whole_journey import (  # noqa: F401 (fixtures)
    ENTRY,
    MEASURED,
    PLAN,
    TAUGHT,
    District,
    district,
    open_review,
    patient_expect,
    people,
    score,
    upload_photo,
    wait_saved,
)
from tests.submissions.factories import PlanFactory, complete_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expiring_award(cast: District) -> Award:
    """Elena's award of the entry, earned 345 days ago: it expires in 20 days."""
    entry = MicroCredential.objects.get(title=ENTRY)
    MicroCredential.objects.filter(pk=entry.pk).update(
        valid_for_days=365, renewal_plan=MicroCredential.RenewalPlan.IMPACT_REFLECTION
    )
    # One reviewer decides a submission for review in this district (the journey's two would
    # double the scoring and prove nothing more here).
    DistrictRecord.objects.filter(pk=cast.educator.district_id).update(final_reviewers_required=1)
    plan = PlanFactory(
        lead=cast.educator,
        district=cast.educator.district,
        microcredential=entry,
        title=PLAN,
    )
    complete_plan(plan)
    earned = Submission.objects.create(
        district=plan.district,
        plan=plan,
        educator=cast.educator,
        status=Submission.Status.EARNED,
        plan_decided_at=timezone.now() - timedelta(days=400),
        decided_at=timezone.now() - timedelta(days=345),
    )
    return award_issue_for_submission(submission_id=earned.pk)


def test_a_reminder_leads_to_a_renewed_credential_and_the_transcripts_hold_it(
    people,  # noqa: F811 (the journey's fixtures, imported above)
    live_server,
    axe,
    district,  # noqa: F811 (as people)
):
    old = expiring_award(district)
    mail.outbox.clear()

    # --- The beat task runs: the reminder arrives by e-mail (and in the app) ---------------------
    assert send_renewal_reminders.delay().get() == 1
    [reminder] = [m for m in mail.outbox if m.to == [district.educator.email]]
    assert reminder.subject.startswith(f"Renew “{ENTRY}” before")
    link = re.search(r"https?://\S+/badges/awards/\S+/renew/", reminder.body).group(0)

    # --- The educator follows the link and renews by the shortened plan ---------------------------
    educator = people(district.educator, "educator")
    page = educator.page
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Renew “{ENTRY}”")
    expect(page.get_by_text("new Impact results and Reflection")).to_be_visible()
    educator.check("renew", axe, narrow=True)
    page.get_by_role("button", name="Start the renewal").click()
    expect(page.locator("[data-status]")).to_have_text("In progress")
    expect(page.locator(".plan-renewal")).to_contain_text("Renewal of your award")
    renewal = Submission.objects.get(renews=old.submission)
    upload_photo(
        educator, axe, title="This year's timings", criterion=MEASURED, file_name="timings.png"
    )
    page.get_by_role("textbox", name="Results and data").fill(
        "Transitions held at three and a half minutes all year."
    )
    page.get_by_label("Reflection on your practice and student learning").fill(
        "The routines now run themselves; I teach them in the first week."
    )
    page.get_by_label("Student or staff feedback").fill("New students pick them up in days.")
    page.get_by_label("Changes for future practice").fill("Hand the timer to a student.")
    expect(page.locator("#completeness")).to_contain_text("Ready to submit for review")
    wait_saved(page, "results")
    educator.check("renewal-written", axe)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("[data-status]")).to_have_text("Submitted for review")

    # --- The reviewer sees it is a renewal, of which award, and passes it -------------------------
    assignment = renewal.review_assignments.get(stage="final")
    reviewer = people(assignment.reviewer, "reviewer")
    open_review(reviewer)
    renewal_note = reviewer.page.locator(".renewal-of")
    expect(renewal_note).to_contain_text("This submission renews")
    expect(renewal_note).to_contain_text(str(old.uuid))
    score(
        reviewer,
        axe,
        "scoring-renewal",
        {TAUGHT: "Demonstrated (2)", MEASURED: "Demonstrated (2)"},
        "Still met, a year on.",
    )
    new = Award.objects.get(submission=renewal)
    assert new.state == Award.State.ISSUED and new.renews_id == old.pk

    # --- The new credential is shown, naming the old one ------------------------------------------
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Earned")
    page.locator("#plan-award").get_by_role("link", name="Verification page").click()
    expect(page.locator(".verdict")).to_contain_text("Valid.")
    renews = page.locator("dd").filter(has_text=str(old.uuid))
    expect(renews).to_contain_text(f"“{ENTRY}”")
    educator.check("verification-renewed", axe)
    renews.get_by_role("link").click()
    # The old credential stays valid until its own date, and says what renewed it.
    expect(page.locator(".verdict")).to_contain_text("Valid, and renewed.")
    expect(page.locator("dd").filter(has_text=str(new.uuid))).to_be_visible()

    # --- Both transcripts hold the credential once: the renewal -----------------------------------
    educator.nav("My badges")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my transcript").click()
    own = json.loads(open(download.value.path()).read())
    admin = people(district.admin, "admin")
    admin.page.goto(f"{live_server.url}/district/people/")
    admin.page.get_by_role("link", name=district.educator.display_name).click()
    with admin.page.expect_download() as download:
        admin.page.get_by_role("link", name="Download their transcript").click()
    for_hr = json.loads(open(download.value.path()).read())
    for transcript in (own, for_hr):
        assert "ClrCredential" in transcript["type"]
        held = [vc["id"] for vc in transcript["credentialSubject"]["verifiableCredential"]]
        assert held == [f"urn:uuid:{new.uuid}"]
