"""What `make run` shows a newcomer: ``seed_demo`` gives every role work at every stage.

The demo is seeded once for this module (``seeded_demo``) and committed, so each app's part of
it is checked against the same district; the last test seeds again and finds nothing new."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from accounts.models import District, User
from artifacts import storage
from artifacts.models import Artifact
from badges import keys, proofs
from badges.models import Award, Portfolio
from credentials.models import MicroCredential
from programs.models import CreditRule, RenewalRule
from reviews.models import Panel, ReviewAssignment, StageReview
from submissions.demo import COLLEAGUES, PLANS
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
    assert published.count() == 7


def test_a_panel_with_work_at_every_stage(seeded_demo, client):
    reviewer = User.objects.get(email="reviewer@example.org")
    panel = Panel.objects.get(name="Prairie View Educator Panel")
    assert reviewer in panel.members.all() and panel.chair is not None
    assert panel.members.count() >= 3

    # Every waiting submission of the district has its reviewers.
    for submission in Submission.objects.filter(
        status__in=(Status.PLAN_SUBMITTED, Status.SUBMITTED_FOR_REVIEW, Status.RESUBMITTED)
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
    }
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == {
        "panels": Panel.objects.count(),
        "awards": Award.objects.filter(district=district).count(),
        "catalog": MicroCredential.objects.filter(district=district).count(),
        "submissions": Submission.objects.count(),
        "people": User.objects.count(),
    }
    assert counts["panels"] == 1 and counts["catalog"] == 9
