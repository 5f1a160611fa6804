"""What `make run` shows a newcomer: ``seed_demo`` gives every role work at every stage.

The demo is seeded once for this module (``seeded_demo``) and committed, so each app's part of
it is checked against the same district; the last test seeds again and finds nothing new."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from accounts.models import District, User
from artifacts import storage
from artifacts.models import Artifact
from badges import keys, proofs, verification
from badges.models import Award, Endorsement, Portfolio
from credentials.models import MicroCredential
from programs.models import CreditRule, RenewalRule
from reviews.models import Panel, ReviewAssignment, StageReview
from submissions.demo import COLLEAGUES, PLANS, RESULTS
from submissions.models import Attempt, Submission
from submissions.selectors import plan_missing

Status = Submission.Status
pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def demo_district() -> District:
    return District.objects.get(slug="prairie-view")


def test_plans_in_every_status_with_complete_text(seeded_demo):
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses >= set(Status.values)
    elena = Submission.objects.filter(educator__email="educator@example.org")
    assert set(elena.values_list("status", flat=True)) >= {
        Status.DRAFT,
        Status.PLAN_SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.PLAN_APPROVED,
        Status.IN_PROGRESS,
    }
    # The group plan: Elena leads, Marcus is on it with his own submission.
    group = elena.get(status=Status.PLAN_SUBMITTED).plan
    assert group.submissions.count() == 2
    # Other apps' demos add their own plans; these are the ones the plans' demo wrote.
    ours = ["educator@example.org", *(email for email, *_ in COLLEAGUES)]
    titles = [text["title"] for text in PLANS.values()]
    written = Submission.objects.filter(educator__email__in=ours, plan__title__in=titles).exclude(
        status__in=[Status.DRAFT, Status.WITHDRAWN]
    )
    assert written.count() >= 8
    for submission in written:
        assert submission.plan.sources.count() >= 3
        assert plan_missing(submission.plan) == []
    assert Attempt.objects.filter(submission__status=Status.SUBMITTED_FOR_REVIEW).count() >= 1


def test_the_catalog_is_published(seeded_demo):
    admin = User.objects.get(email="admin@example.org")
    published = MicroCredential.objects.filter(
        district=admin.district, status=MicroCredential.Status.PUBLISHED
    )
    assert published.count() == 8


def test_every_published_entry_of_the_demo_districts_has_a_rubric(seeded_demo):
    # The two small districts of the state are seeded in bulk (``reports.scale``); their
    # entries are reviewed as the demo district's are.
    published = MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED)
    assert published.exclude(district=demo_district()).count() >= 80
    assert not published.filter(rubric__isnull=True).exists()


def test_a_panel_with_work_at_every_stage(seeded_demo, client):
    reviewer = User.objects.get(email="reviewer@example.org")
    panel = Panel.objects.get(name="Prairie View Educator Panel")
    assert reviewer in panel.members.all() and panel.chair is not None
    assert panel.members.count() >= 3

    # Every waiting submission of the district has its reviewers.
    for submission in Submission.objects.filter(
        district=demo_district(),
        status__in=(Status.PLAN_SUBMITTED, Status.SUBMITTED_FOR_REVIEW, Status.RESUBMITTED),
    ):
        assert ReviewAssignment.objects.filter(
            submission=submission, status__in=("pending", "submitted")
        ).exists(), submission

    mine = ReviewAssignment.objects.filter(reviewer=reviewer, status="pending")
    assert mine.filter(stage="plan").exists() and mine.filter(stage="final").exists()
    assert mine.filter(stage_review__round__gt=1).exists()  # a revised plan or a resubmission
    assert StageReview.objects.filter(status="chair", panel=panel).exists()
    assert Submission.objects.filter(status=Status.RESUBMITTED).exists()

    client.force_login(reviewer)
    response = client.get("/reviews/")
    assert response.status_code == 200
    assert response.context["counts"]["overdue"] >= 1
    for item in response.context["items"]:
        assert client.get(f"/reviews/review/{item.pk}/").status_code == 200
    client.force_login(panel.chair)
    response = client.get("/reviews/")
    [chair_round] = response.context["chair_rounds"]
    assert chair_round.chair_reason == "disagreement"
    assert client.get(f"/reviews/rounds/{chair_round.pk}/").status_code == 200


def test_elena_s_plan_with_changes_requested_says_what_the_panel_asked(seeded_demo, client):
    """Her first-week path: the plan page of a request for changes shows the panel's reason
    and comments, which "Answer the panel's feedback" points to."""
    elena = User.objects.get(email="educator@example.org")
    asked = Submission.objects.get(educator=elena, status=Status.CHANGES_REQUESTED)
    client.force_login(elena)
    page = client.get(reverse("submissions:detail", args=[asked.pk])).content.decode()
    assert "The panel asked for changes to your plan" in page
    assert "Say how you will count a substantive revision" in page
    assert "Define “substantive”" in page and "Add a source on writing conferences" in page
    assert "their comments are above" in page


def test_the_demo_resubmission_shows_its_reviewer_what_changed(seeded_demo, client):
    """Ray's resubmission to score answers the "not yet": what changed is there to read."""
    ray = User.objects.get(email="reviewer@example.org")
    again = ReviewAssignment.objects.get(
        reviewer=ray, status="pending", stage="final", submission__status=Status.RESUBMITTED
    )
    client.force_login(ray)
    page = client.get(reverse("reviews:review", args=[again.pk])).content.decode()
    assert "What the educator changed since attempt 1" in page
    assert "Weekly averages: 8.5, 6.0" in page
    assert "“Weekly transition timings, weeks 1–6”" in page and "<strong>replacing</strong>" in page


def test_checked_images_and_documents_at_the_review_stage(seeded_demo):
    files = Artifact.objects.filter(kind=Artifact.Kind.FILE).select_related("submission")
    assert files.exists()
    assert set(files.values_list("status", flat=True)) == {Artifact.Status.ACCEPTED}
    types = set(files.values_list("content_type", flat=True))
    assert {"image/png", "image/jpeg", "application/pdf"} <= types
    assert types & {"text/csv", "text/plain"}
    at_review = files.filter(submission__status=Status.SUBMITTED_FOR_REVIEW)
    assert at_review.exists()
    assert all(a.attempt_id for a in at_review)
    photo = files.filter(content_type="image/jpeg").first()
    stored = Image.open(io.BytesIO(storage.read_all(photo.storage_key)))
    assert dict(stored.getexif()) == {}
    assert storage.size_of(photo.thumbnail_key)


def test_awards_issued_and_one_revoked(seeded_demo):
    district = demo_district()
    awards = list(Award.objects.filter(district=district))
    assert len(awards) >= 3
    assert all(award.state == Award.State.ISSUED for award in awards)
    assert all(award.certificate_key and award.badge_png_key for award in awards)
    assert sum(1 for award in awards if award.is_revoked) == 1
    public_key = keys.current_key(district).public_key
    for award in awards:
        proofs.verify(award.credential, public_key=public_key)
    assert Portfolio.objects.filter(published=True).exists()


def test_dashboards_show_progress_from_the_start(seeded_demo, client):
    district = demo_district()
    assert RenewalRule.objects.get(district=district).required_count == 2
    amounts = set(
        CreditRule.objects.filter(district=district).values_list("salary_amount", flat=True)
    )
    assert min(amounts) == 100 and max(amounts) == 600

    client.force_login(User.objects.get(email="educator@example.org"))
    html = client.get(reverse("submissions:dashboard")).content.decode()
    # At least one award in the window.
    assert re.search(r"[12] of 2", html)
    assert "window closes" in html or "Met: you have earned" in html
    assert "Salary credit earned" in html and "$0" not in html

    client.force_login(User.objects.get(email="admin@example.org"))
    salary = client.get(reverse("reports:salary"))
    assert salary.context["totals"]["awards"] >= 10
    renewal = client.get(reverse("reports:relicensure"))
    assert renewal.context["data"]["window"] is not None


def test_seeding_again_changes_nothing(seeded_demo):
    district = demo_district()
    counts = {
        "panels": Panel.objects.count(),
        "awards": Award.objects.filter(district=district).count(),
        "catalog": MicroCredential.objects.filter(district=district).count(),
        "submissions": Submission.objects.count(),
        "people": User.objects.count(),
        "endorsements": Endorsement.objects.count(),
    }
    call_command("seed_demo", allow_demo_logins_in_production=True, stdout=io.StringIO())
    assert counts == {
        "panels": Panel.objects.count(),
        "awards": Award.objects.filter(district=district).count(),
        "catalog": MicroCredential.objects.filter(district=district).count(),
        "submissions": Submission.objects.count(),
        "people": User.objects.count(),
        "endorsements": Endorsement.objects.count(),
    }
    assert counts["panels"] == 1 and counts["catalog"] == 10


def test_the_state_admin_sees_three_districts_each_with_figures(seeded_demo, client):
    state_admin = User.objects.get(email="state@example.org")
    assert state_admin.district is None and state_admin.state.districts.count() == 3
    signed_in = client.post(
        "/accounts/login/", {"login": state_admin.email, "password": seeded_demo}
    )
    assert signed_in["Location"] == reverse("states:dashboard")
    rows = client.get(reverse("states:dashboard")).context["rows"]
    assert [row.district.slug for row in rows] == ["cedar-bluffs", "flint-hills", "prairie-view"]
    for row in rows:
        assert row.educators > 0 and row.stage_counts[0] > 0 and row.stage_counts[-1] > 0


def test_the_banner_lists_the_state_admins_login(seeded_demo):
    from accounts.management.commands.seed_demo import DEMO_LOGINS

    out = io.StringIO()
    call_command("seed_demo", allow_demo_logins_in_production=True, stdout=out)
    assert "state@example.org" in out.getvalue()
    assert "state@example.org" in dict(DEMO_LOGINS)
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "| state@example.org |" in readme


def test_the_educator_who_moved_keeps_both_awards_and_both_count(seeded_demo, client):
    from accounts.models import Membership
    from reports.selectors import educator_progress

    marcus = User.objects.get(email="marcus.reed@example.org")
    assert marcus.district == demo_district()
    assert [m.district.slug for m in Membership.objects.filter(user=marcus)] == [
        "cedar-bluffs",
        "prairie-view",
    ]
    assert sorted(a.district.slug for a in Award.objects.filter(educator=marcus)) == [
        "cedar-bluffs",
        "prairie-view",
    ]
    assert educator_progress(user=marcus)["renewal"]["earned_total"] == 2
    signed_in = client.post(
        "/accounts/login/", {"login": "marcus.reed@home.example.net", "password": seeded_demo}
    )
    assert signed_in.status_code == 302
    assert len(client.get(reverse("badges:portfolio")).context["awards"]) == 2
    # The plan he was carrying out in Cedar Bluffs was closed by the move; he finds it here.
    left = Submission.objects.get(educator=marcus, status=Status.LEFT_DISTRICT)
    assert left.district.slug == "cedar-bluffs"
    dashboard = client.get(reverse("submissions:dashboard")).content.decode()
    assert f"Plans from {left.district.name}" in dashboard
    assert reverse("submissions:carry_over", args=[left.pk]) in dashboard


# --- The showroom: what a newcomer meets on the day they run it ------------------------------


def test_every_earned_micro_credential_has_its_certificate(seeded_demo, client):
    earned = Submission.objects.filter(district=demo_district(), status=Status.EARNED)
    assert earned.count() > 10
    assert not earned.exclude(award__state=Award.State.ISSUED).exists()
    client.force_login(User.objects.get(email="admin@example.org"))
    page = client.get(reverse("badges:district_awards"))
    assert list(page.context["late"]) == []
    assert "Certificates still being prepared" not in page.content.decode()


def test_the_cycle_under_way_has_its_deadlines_ahead(seeded_demo, client):
    from django.utils import timezone

    from programs.models import ProgramCycle

    today = timezone.localdate()
    [current] = ProgramCycle.objects.filter(
        district=demo_district(), starts_on__lte=today, ends_on__gte=today
    )
    assert today < current.plan_deadline < current.evidence_deadline < current.ends_on
    # A plan started today is not overdue; nothing in Elena's list is.
    elena = User.objects.get(email="educator@example.org")
    client.force_login(elena)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "Overdue" not in page
    assert current.name in page


def test_reviews_are_due_ahead_but_one_overdue(seeded_demo):
    from django.utils import timezone

    pending = ReviewAssignment.objects.filter(
        district=demo_district(), status=ReviewAssignment.Status.PENDING
    )
    overdue = pending.filter(due_at__lt=timezone.now())
    assert overdue.count() == 1
    assert overdue.get().reviewer.email == "reviewer@example.org"
    assert pending.filter(due_at__gt=timezone.now()).count() >= 5


def test_the_panel_report_shows_how_long_reviews_took(seeded_demo, client):
    """Seeded reviews took days, as the panel's do, not the instant they were assigned: the
    panel report's mean days to review is a figure worth reading, one review was late, and
    seeding again moves no review further back."""
    submitted = ReviewAssignment.objects.filter(
        district=demo_district(), status=ReviewAssignment.Status.SUBMITTED
    )
    took = {a.pk: a.submitted_at - a.assigned_at for a in submitted}
    assert len(took) >= 5
    assert min(took.values()).days >= 1
    assert len({t.days for t in took.values()}) >= 4
    client.force_login(User.objects.get(email="admin@example.org"))
    workload = client.get(reverse("reports:panel")).context["workload"]
    done = [p for p in workload if p.done]
    assert done and all(p.turnaround_days >= 1 for p in done)
    assert sum(p.late for p in workload) == 1
    call_command("seed_demo", allow_demo_logins_in_production=True, stdout=io.StringIO())
    assert {a.pk: a.submitted_at - a.assigned_at for a in submitted} == took


def test_the_educator_has_catalog_entries_left_to_start(seeded_demo):
    elena = User.objects.get(email="educator@example.org")
    started = Submission.objects.filter(educator=elena).values("plan__microcredential__lineage")
    left = MicroCredential.objects.filter(
        district=demo_district(), status=MicroCredential.Status.PUBLISHED
    ).exclude(lineage__in=started)
    assert left.count() >= 2


def test_the_reviewers_who_receive_the_educators_work_are_in_the_readme(
    seeded_demo, django_capture_on_commit_callbacks
):
    """Elena starts a new plan and takes it to final review: every reviewer it reaches is a
    login the README gives, and the README says what each of them does."""
    from reviews import services as review_services
    from submissions import services as submission_services
    from tests.project_copy import ROOT

    readme = (ROOT / "README.md").read_text()
    table = readme.split("Sign in with any of the demo logins", 1)[1].split("\n\n", 2)[1]
    elena = User.objects.get(email="educator@example.org")
    started = Submission.objects.filter(educator=elena).values("plan__microcredential__lineage")
    entry = (
        MicroCredential.objects.filter(
            district=demo_district(), status=MicroCredential.Status.PUBLISHED
        )
        .exclude(lineage__in=started)
        .order_by("title")
        .first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission, _ = submission_services.plan_start(microcredential=entry, actor=elena)
        submission_services.plan_text_save(
            submission=submission,
            values={**PLANS["routines"]},
            district_goals=list(demo_district().goals.all()[:1]),
            sources=[
                {"citation": f"Source {n}", "kind": "book", "url": "", "learned": "Much."}
                for n in range(3)
            ],
            version=submission.plan.version,
            actor=elena,
        )
        submission_services.submission_submit_plan(submission=submission, actor=elena)
    plan_reviews = list(ReviewAssignment.objects.filter(submission=submission, stage="plan"))
    assert plan_reviews
    for assignment in plan_reviews:
        assert f"| {assignment.reviewer.email} |" in table
        with django_capture_on_commit_callbacks(execute=True):
            review_services.plan_decide(
                assignment=assignment,
                decision="approve",
                reason="",
                comments={},
                actor=assignment.reviewer,
            )
    with django_capture_on_commit_callbacks(execute=True):
        submission.refresh_from_db()
        submission_services.submission_start_work(submission=submission, actor=elena)
        submission.refresh_from_db()
        submission_services.submission_results_save(
            submission=submission,
            values=RESULTS,
            version=submission.version,
            actor=elena,
        )
        for criterion in entry.rubric.criteria.all():
            Artifact.objects.create(
                district=submission.district,
                submission=submission,
                criterion=criterion,
                kind=Artifact.Kind.LINK,
                title=f"Evidence: {criterion.title}",
                url="https://docs.example.org/log",
                status=Artifact.Status.ACCEPTED,
                confirmed_no_identifying_info=True,
                confirmed_consent_on_file=True,
                uploaded_by=elena,
            )
        submission.refresh_from_db()
        submission_services.submission_submit_for_review(submission=submission, actor=elena)
    final_reviews = ReviewAssignment.objects.filter(submission=submission, stage="final")
    assert final_reviews.exists()
    for assignment in final_reviews:
        assert f"| {assignment.reviewer.email} |" in table
    chair = Panel.objects.get(district=demo_district()).chair
    assert f"| {chair.email} |" in table


def test_the_state_office_endorses_an_entry_of_the_demo_district(seeded_demo):
    endorsement = Endorsement.objects.get(endorser_state__slug="sunflower")

    assert endorsement.microcredential.district == demo_district()
    assert verification.endorsement_verification(endorsement).passed


def test_with_debug_off_seeding_is_refused_unless_the_demo_logins_are_asked_for(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    out = io.StringIO()
    with pytest.raises(CommandError, match="--allow-demo-logins-in-production"):
        call_command("seed_demo", stdout=out)
    assert out.getvalue() == ""  # no logins, no password printed
    # The README's docker compose stack runs with DEBUG=0: it passes the flag on purpose.
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "manage.py seed_demo --allow-demo-logins-in-production" in readme
