"""The plan page says what the panel decided and said, and what to do next; the plan's history
lists decisions and comments beside the text edits; a reviewer of a later round sees what the
educator changed since the round before."""

import pytest
from django.urls import reverse

from artifacts.models import Artifact
from credentials.models import RubricLevel
from reviews import services
from reviews.models import ReviewAssignment
from reviews.tasks import assign_reviewers
from submissions import services as plans
from submissions.models import Plan, Submission
from tests.submissions.factories import SubmissionFactory, complete_plan

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db

READY = "Ready to submit"
COMPLETE = "Every required part is complete"


def edit(submission, **changes):
    """Change the plan text through the editor's service (so its history records it)."""
    plan = Plan.objects.get(pk=submission.plan_id)
    text = plans.plan_snapshot(plan)
    plans.plan_text_save(
        submission=submission,
        values={name: changes.get(name, text[name]) for name in plans.PLAN_TEXT_FIELDS},
        district_goals=list(plan.district_goals.all()),
        sources=text["sources"],
        version=plan.version,
        actor=submission.educator,
    )


def submit(submission, django_capture_on_commit_callbacks) -> ReviewAssignment:
    """Submit (or resubmit) the plan; the round's reviewer is assigned after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        plans.submission_submit_plan(submission=submission, actor=submission.educator)
    return ReviewAssignment.objects.filter(
        submission=submission, stage="plan", status="pending"
    ).get()


def decide(assignment, decision, reason="", conditions="", **comments):
    services.plan_decide(
        assignment=assignment,
        decision=decision,
        reason=reason,
        conditions=conditions,
        comments=comments,
        actor=assignment.reviewer,
    )


def page_of(client, submission, name="submissions:detail") -> str:
    client.force_login(submission.educator)
    response = client.get(reverse(name, args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def drafted(panel, teacher):
    submission = SubmissionFactory(plan__lead=teacher)
    complete_plan(submission.plan)
    edit(submission, rationale="Transitions take nine minutes.")
    return submission


def test_changes_requested_shows_the_reason_the_comments_and_what_to_do(
    client, drafted, django_capture_on_commit_callbacks
):
    assignment = submit(drafted, django_capture_on_commit_callbacks)
    decide(
        assignment,
        "request_changes",
        reason="Say how you will measure the impact each week.",
        overview="Tie the rationale to this year's data.",
        impact="Weekly stopwatch timings, please.",
    )
    page = page_of(client, drafted)
    assert "The panel asked for changes to your plan" in page
    assert "Decision:</strong> Request changes" in page
    assert "Say how you will measure the impact each week." in page
    assert "<dt>Overview</dt>" in page
    assert "<strong>Reviewer 1:</strong> Tie the rationale to this year&#x27;s data." in page
    assert "<dt>Impact measures</dt>" in page and "Weekly stopwatch timings, please." in page
    assert "What to do next" in page and "“Submit the revised plan”" in page
    assert reverse("reviews:feedback", args=[drafted.pk]) in page
    # Every part is filled in, but the plan is not "ready": the feedback awaits an answer.
    assert READY not in page and COMPLETE not in page
    assert "Answer the panel’s feedback" in page
    assert "Your text has not changed since the panel’s decision." in page
    edit(drafted, rationale="Transitions take nine minutes; this year's data shows twelve.")
    page = page_of(client, drafted)
    assert READY not in page
    assert "Changed since the panel’s decision: Rationale." in page


def test_a_declined_plan_says_why_and_where_to_start_again(
    client, drafted, django_capture_on_commit_callbacks
):
    decide(submit(drafted, django_capture_on_commit_callbacks), "decline", reason="Not a fit.")
    page = page_of(client, drafted)
    assert "The panel declined this plan" in page and "Not a fit." in page
    assert "This plan is closed." in page and reverse("credentials:catalog") in page


def test_an_approval_with_conditions_keeps_its_conditions_on_the_plan(
    client, drafted, django_capture_on_commit_callbacks
):
    decide(
        submit(drafted, django_capture_on_commit_callbacks),
        "approve_with_conditions",
        conditions="Add a fourth source on student anxiety.",
    )
    page = page_of(client, drafted)
    assert "approved your plan with conditions" in page
    assert "Add a fourth source on student anxiety." in page


def test_a_plain_approval_shows_no_feedback_block(
    client, drafted, django_capture_on_commit_callbacks
):
    decide(submit(drafted, django_capture_on_commit_callbacks), "approve")
    assert 'id="panel-feedback"' not in page_of(client, drafted)


def test_an_approval_with_comments_keeps_them_on_the_plan_as_it_goes_on(
    client, drafted, django_capture_on_commit_callbacks
):
    decide(
        submit(drafted, django_capture_on_commit_callbacks),
        "approve",
        reason="A clear, measurable plan.",
        implementation="Consider also a mid-point check in week 3.",
    )
    page = page_of(client, drafted)
    assert 'id="panel-feedback"' in page and "The panel approved your plan" in page
    assert "with conditions" not in page
    assert "A clear, measurable plan." in page
    assert "Consider also a mid-point check in week 3." in page
    assert "Carry out the plan with the panel’s comments in mind" in page
    assert reverse("reviews:feedback", args=[drafted.pk]) in page


def score(assignment, verdicts, feedback, comment):
    criteria = list(assignment.submission.plan.microcredential.rubric.criteria.all())
    services.scores_submit(
        assignment=assignment,
        levels={
            c.pk: RubricLevel.objects.get(criterion=c, score=2 if ok else 1).pk
            for c, ok in zip(criteria, verdicts, strict=True)
        },
        feedback={c.pk: words for c, words in zip(criteria, feedback, strict=True)},
        overall_comment=comment,
        actor=assignment.reviewer,
    )


def both_reviewers_score(submission, *scores) -> None:
    """Assign the evidence round; each of its two reviewers scores as ``scores`` says
    (``score``'s verdicts, feedback and overall comment); the submission is read again."""
    assign_reviewers(submission.pk, "final")
    reviews = ReviewAssignment.objects.filter(submission=submission, stage="final")
    for assignment, (verdicts, feedback, comment) in zip(reviews, scores, strict=True):
        score(assignment, verdicts, feedback, comment)
    submission.refresh_from_db()


def test_not_yet_shows_each_criterion_not_yet_met_with_its_feedback(
    client, district, panel, teacher
):
    district.max_attempts = 3
    district.save()
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    # Results, reflection and accepted evidence are there: nothing is "missing" on the plan page.
    Artifact.objects.create(
        district=district,
        submission=submission,
        kind=Artifact.Kind.LINK,
        title="Lesson video",
        url="https://video.example.org/lesson",
        status=Artifact.Status.ACCEPTED,
    )
    Submission.objects.filter(pk=submission.pk).update(
        impact_results="Down to four minutes.",
        reflection_practice="Rehearsal matters.",
        reflection_feedback="Students liked it.",
        reflection_changes="Start in week one.",
    )
    both_reviewers_score(
        submission,
        ([True, False], ["Clear.", "No data on the second routine."], "Add the data."),
        ([True, False], ["Fine.", "Show the timings."], "Nearly there."),
    )
    assert submission.status == SubmissionStatus.NOT_YET
    page = page_of(client, submission)
    assert "Not yet: what the panel said of your evidence" in page
    assert "Criterion 2" in page and "<strong>not yet met</strong>" in page
    assert "No data on the second routine." in page and "Show the timings." in page
    assert "<strong>Reviewer 2:</strong> Nearly there." in page
    assert "“Resubmit for review”" in page and "You have 2 attempts left." in page
    assert READY not in page and COMPLETE not in page
    assert "Answer the panel’s feedback" in page and "said “not yet”" in page


def test_an_earned_plan_keeps_what_the_panel_said_of_the_evidence(
    client, district, panel, teacher, monkeypatch
):
    from badges.tasks import issue_award

    monkeypatch.setattr(issue_award, "delay", lambda pk: None)
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    both_reviewers_score(
        submission,
        ([True, True], ["Clear.", "The timings show it."], "Well documented."),
        ([True, True], ["Fine.", "Convincing."], "A model for others."),
    )
    assert submission.status == SubmissionStatus.EARNED
    page = page_of(client, submission)
    assert "Earned: what the panel said of your evidence" in page
    assert "The timings show it." in page and "A model for others." in page
    assert "Your certificate and badge are under My badges." in page


def test_history_lists_decisions_and_comments_beside_edits_and_what_changed(
    client, drafted, django_capture_on_commit_callbacks
):
    decide(
        submit(drafted, django_capture_on_commit_callbacks),
        "request_changes",
        reason="Measure weekly.",
        overview="Use this year's data.",
    )
    edit(drafted, rationale="Twelve minutes this year, by the stopwatch.")
    submit(drafted, django_capture_on_commit_callbacks)
    page = page_of(client, drafted, "submissions:history")
    assert "Plan pre-approval: Request changes." in page
    assert "The review panel" in page
    assert "Reason: Measure weekly." in page
    assert "Reviewer 1 on Overview: Use this year&#x27;s data." in page
    assert "Changed Rationale." in page
    assert page.count("Your plan was submitted for pre-approval.") == 2
    # The second submission says what changed since the panel asked for changes.
    assert "What changed since the panel’s decision (1 part)" in page
    assert "Transitions take nine minutes." in page
    assert "Twelve minutes this year, by the stopwatch." in page
    # Newest first: the resubmission before the decision before the first edit.
    assert (
        page.index("What changed since")
        < page.index("Request changes.")
        < page.rindex("Changed Rationale.")
    )


def test_a_reviewer_of_round_two_sees_what_changed_since_round_one(
    client, drafted, django_capture_on_commit_callbacks
):
    first = submit(drafted, django_capture_on_commit_callbacks)
    client.force_login(first.reviewer)
    page = client.get(reverse("reviews:review", args=[first.pk])).content.decode()
    assert "What the educator changed since" not in page
    decide(first, "request_changes", reason="Measure weekly.")
    edit(drafted, impact_measures="Stopwatch timings every Friday.")
    second = submit(drafted, django_capture_on_commit_callbacks)
    assert second.reviewer == first.reviewer and second.stage_review.round == 2
    page = client.get(reverse("reviews:review", args=[second.pk])).content.decode()
    assert "What the educator changed since round 1" in page
    assert "Request changes. Reason: Measure weekly." in page
    assert '<th scope="col">In round 1</th><th scope="col">Now</th>' in page
    assert '<th scope="row">How you will measure the impact</th>' in page
    assert "Stopwatch timings every Friday." in page
    # Only what changed is listed.
    assert '<th scope="row">Rationale</th>' not in page
