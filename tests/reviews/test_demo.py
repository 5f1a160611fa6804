import pytest
from django.core.management import call_command

from accounts.models import User
from reviews.models import Panel, ReviewAssignment, StageReview
from submissions.models import Submission

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_panel_with_work_at_every_stage(client):
    call_command("seed_demo", verbosity=0)
    reviewer = User.objects.get(email="reviewer@example.org")
    panel = Panel.objects.get(name="Prairie View Educator Panel")
    assert reviewer in panel.members.all() and panel.chair is not None
    assert panel.members.count() >= 3

    # Every waiting submission of the district has its reviewers.
    for submission in Submission.objects.filter(
        status__in=(
            SubmissionStatus.PLAN_SUBMITTED,
            SubmissionStatus.SUBMITTED_FOR_REVIEW,
            SubmissionStatus.RESUBMITTED,
        )
    ):
        assert ReviewAssignment.objects.filter(
            submission=submission, status__in=("pending", "submitted")
        ).exists(), submission

    mine = ReviewAssignment.objects.filter(reviewer=reviewer, status="pending")
    assert mine.filter(stage="plan").exists() and mine.filter(stage="final").exists()
    assert mine.filter(stage_review__round__gt=1).exists()  # a revised plan or a resubmission
    assert StageReview.objects.filter(status="chair", panel=panel).exists()
    assert Submission.objects.filter(status=SubmissionStatus.RESUBMITTED).exists()

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

    # Safe to run again.
    call_command("seed_demo", verbosity=0)
    assert Panel.objects.count() == 1
