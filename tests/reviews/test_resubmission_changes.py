"""A reviewer scoring a resubmission (after a "not yet") sees, on the scoring page, what the
educator changed since the attempt before: the results and reflection, part by part, and the
evidence added or replaced."""

import pytest
from django.urls import reverse

from artifacts.services import ArtifactDetails, artifact_link_create
from credentials.models import RubricLevel
from reviews import services
from reviews.models import ReviewAssignment
from submissions import services as plans
from submissions.models import Submission

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db

RESULTS = {
    "impact_results": "Transitions went from nine minutes to six.",
    "reflection_practice": "Rehearsing routines matters more than explaining them.",
    "reflection_feedback": "Students said the picture cards helped.",
    "reflection_changes": "Start the routines in week one.",
    "share_notes": "",
}


def write_results(submission, **changes) -> None:
    """Write the results through the editor's service, so that their history records it."""
    submission.refresh_from_db()
    plans.submission_results_save(
        submission=submission,
        values={**plans.results_snapshot(submission), **changes},
        version=submission.version,
        actor=submission.educator,
    )


def add_link(submission, title, criterion, replaces=None):
    return artifact_link_create(
        submission=submission,
        actor=submission.educator,
        url=f"https://video.example.org/{title.lower().replace(' ', '-')}",
        details=ArtifactDetails(
            title=title,
            criterion=criterion,
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
            replaces=replaces,
        ),
    )


def pending_reviews(submission) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.filter(submission=submission, stage="final", status="pending")
    )


def score_not_yet(assignment, criteria) -> None:
    services.scores_submit(
        assignment=assignment,
        levels={
            criteria[0].pk: RubricLevel.objects.get(criterion=criteria[0], score=2).pk,
            criteria[1].pk: RubricLevel.objects.get(criterion=criteria[1], score=1).pk,
        },
        feedback={criteria[1].pk: "Show the timings."},
        overall_comment="Add the weekly timings.",
        actor=assignment.reviewer,
    )


@pytest.fixture
def not_yet(panel, teacher, django_capture_on_commit_callbacks):
    """A submission scored "not yet" in its first attempt; its evidence: one lesson video."""
    submission = submission_in(SubmissionStatus.IN_PROGRESS, educator=teacher)
    criteria = list(submission.plan.microcredential.rubric.criteria.order_by("position"))
    write_results(submission, **RESULTS)
    add_link(submission, "Lesson video", criteria[0])
    with django_capture_on_commit_callbacks(execute=True):
        plans.submission_submit_for_review(submission=submission, actor=teacher)
    first_round = pending_reviews(submission)
    for assignment in first_round:
        score_not_yet(assignment, criteria)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NOT_YET
    return submission, criteria, first_round


def scoring_page(client, assignment) -> str:
    client.force_login(assignment.reviewer)
    response = client.get(reverse("reviews:review", args=[assignment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_attempt_s_scoring_page_shows_what_changed_since_the_first(
    client, not_yet, django_capture_on_commit_callbacks
):
    submission, criteria, first_round = not_yet
    assert "What the educator changed since" not in scoring_page(client, first_round[0])

    write_results(submission, impact_results="Weekly timings: 9, 7, 6, 5 and 4 minutes.")
    lesson_video = submission.artifacts.get(title="Lesson video")
    add_link(submission, "Lesson video, retaken", criteria[0], replaces=lesson_video)
    add_link(submission, "Stopwatch timings", criteria[1])
    with django_capture_on_commit_callbacks(execute=True):
        plans.submission_resubmit(submission=submission, actor=submission.educator)
    second = pending_reviews(submission)[0]
    assert second.stage_review.round == 2

    page = scoring_page(client, second)

    assert "What the educator changed since attempt 1" in page
    assert "Attempt 1 was decided" in page and ": Not yet.</p>" in page
    # Each reviewer's comment is read once, by name, under "Earlier rounds": not repeated as
    # the round's reason above it or in the changes.
    assert page.count("Add the weekly timings.") == len(first_round) == 2
    assert '<th scope="col">In attempt 1</th><th scope="col">Now</th>' in page
    assert '<th scope="row">Results and data</th>' in page
    assert "Transitions went from nine minutes to six." in page
    assert "Weekly timings: 9, 7, 6, 5 and 4 minutes." in page
    # Only what changed is listed as a change.
    assert '<th scope="row">Changes for future practice</th>' not in page
    assert (
        "<strong>Added:</strong> “Lesson video, retaken” for Criterion 1, "
        "<strong>replacing</strong> “Lesson video”" in page
    )
    assert "<strong>Added:</strong> “Stopwatch timings” for Criterion 2</li>" in page


def test_a_resubmission_with_nothing_changed_says_so(
    client, not_yet, django_capture_on_commit_callbacks
):
    submission, _criteria, _first_round = not_yet
    # The educator confirmed sending it unchanged (the plan page asks first).
    with django_capture_on_commit_callbacks(execute=True):
        plans.submission_resubmit(
            submission=submission, actor=submission.educator, send_unchanged=True
        )
    page = scoring_page(client, pending_reviews(submission)[0])
    assert "What the educator changed since attempt 1" in page
    assert "No change to the impact results and reflection since attempt 1." in page
    assert "No evidence was added or replaced." in page
