"""Sending a plan back to the panel with nothing changed since its decision asks first: after
"changes requested" and after "not yet", the submit step says nothing changed and what the
panel read, and sends it only when the educator confirms (the panel may have asked only for an
explanation). Anything changed (a field of the text, the results, new evidence) sends it at
once. The plan page itself does not read what changed to offer its buttons."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from reviews.models import StageReview
from submissions import services as plans
from submissions.models import Submission
from tests.submissions.factories import SubmissionFactory, complete_plan

from .test_feedback_on_the_plan import decide, edit, submit
from .test_resubmission_changes import add_link, not_yet, write_results  # noqa: F401

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db

ASKED = "You haven’t changed anything since the panel asked for changes"


@pytest.fixture
def changes_requested(panel, teacher, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(plan__lead=teacher)
    complete_plan(submission.plan)
    edit(submission, rationale="Transitions take nine minutes.")
    decide(
        submit(submission, django_capture_on_commit_callbacks),
        "request_changes",
        reason="Explain why the timeline is six weeks.",
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED
    return submission


def plan_rounds(submission) -> int:
    return StageReview.objects.filter(submission=submission, stage="plan").count()


def post_move(client, submission, name, **data):
    client.force_login(submission.educator)
    return client.post(reverse(name, args=[submission.pk]), data)


def test_a_revised_plan_sent_unchanged_asks_first_and_goes_once_confirmed(
    client, changes_requested, django_capture_on_commit_callbacks
):
    response = post_move(client, changes_requested, "submissions:submit_plan")

    assert response.status_code == 409
    page = response.content.decode()
    assert ASKED in page
    assert "the plan text, its research sources and goals are as the panel read them on" in page
    assert "If the panel asked only for an explanation, you can send it as it is" in page
    assert 'name="send_unchanged" value="yes"' in page
    assert reverse("submissions:submit_plan", args=[changes_requested.pk]) in page
    # The panel's request is on the same page, beside the question.
    assert "Explain why the timeline is six weeks." in page
    changes_requested.refresh_from_db()
    assert changes_requested.status == SubmissionStatus.CHANGES_REQUESTED
    assert plan_rounds(changes_requested) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = post_move(
            client, changes_requested, "submissions:submit_plan", send_unchanged="yes"
        )
    assert response.status_code == 302
    changes_requested.refresh_from_db()
    assert changes_requested.status == SubmissionStatus.PLAN_SUBMITTED
    assert plan_rounds(changes_requested) == 2
    event = AuditEvent.objects.filter(
        action="submission.submit_plan", target_id=changes_requested.pk
    ).latest("id")
    assert event.detail == {"sent_unchanged": True}


def test_a_revised_plan_with_a_changed_field_goes_without_asking(
    client, changes_requested, django_capture_on_commit_callbacks
):
    edit(changes_requested, timeline="Six weeks: two to teach, four to rehearse.")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_move(client, changes_requested, "submissions:submit_plan")
    assert response.status_code == 302
    changes_requested.refresh_from_db()
    assert changes_requested.status == SubmissionStatus.PLAN_SUBMITTED
    event = AuditEvent.objects.filter(
        action="submission.submit_plan", target_id=changes_requested.pk
    ).latest("id")
    assert event.detail == {}


def test_the_first_submission_of_a_plan_never_asks(client, panel, teacher):
    submission = SubmissionFactory(plan__lead=teacher)
    complete_plan(submission.plan)
    response = post_move(client, submission, "submissions:submit_plan")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PLAN_SUBMITTED


def test_the_service_refuses_an_unchanged_revised_plan_unless_told(changes_requested):
    with pytest.raises(plans.UnchangedError, match=ASKED):
        plans.submission_submit_plan(submission=changes_requested, actor=changes_requested.educator)
    plans.submission_submit_plan(
        submission=changes_requested, actor=changes_requested.educator, send_unchanged=True
    )
    changes_requested.refresh_from_db()
    assert changes_requested.status == SubmissionStatus.PLAN_SUBMITTED


def test_a_resubmission_after_not_yet_asks_when_nothing_changed(client, not_yet):  # noqa: F811
    submission, _criteria, _first_round = not_yet
    response = post_move(client, submission, "submissions:resubmit")
    assert response.status_code == 409
    page = response.content.decode()
    assert "You haven’t changed anything since the panel said “not yet”" in page
    assert "your results, reflection and evidence are as the panel read them" in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NOT_YET
    assert submission.attempt_count == 1

    response = post_move(client, submission, "submissions:resubmit", send_unchanged="yes")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RESUBMITTED
    assert submission.attempt_count == 2


def test_new_evidence_after_not_yet_is_a_change(client, not_yet):  # noqa: F811
    submission, criteria, _first_round = not_yet
    add_link(submission, "Stopwatch timings", criteria[1])
    response = post_move(client, submission, "submissions:resubmit")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RESUBMITTED


def test_revised_results_after_not_yet_are_a_change(client, not_yet):  # noqa: F811
    submission, _criteria, _first_round = not_yet
    write_results(submission, impact_results="Weekly timings: 9, 7, 6, 5 and 4 minutes.")
    response = post_move(client, submission, "submissions:resubmit")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RESUBMITTED
