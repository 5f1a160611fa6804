import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from credentials.models import MicroCredential
from notifications.models import Notification
from reviews import services
from reviews.models import ComponentComment, ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from submissions.transitions import submission_move
from tests.credentials.factories import MicroCredentialFactory

from .factories import submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reviewers(district):
    district.plan_reviewers_required = 2
    district.save()


def assigned(submission, stage="plan"):
    assign_reviewers(submission.pk, stage)
    return list(
        ReviewAssignment.objects.filter(submission=submission, stage=stage, status="pending")
    )


@pytest.mark.parametrize(
    ("decision", "extra", "status", "kind"),
    [
        ("approve", {}, SubmissionStatus.PLAN_APPROVED, "decision"),
        (
            "approve_with_conditions",
            {"conditions": "Add a fourth source."},
            SubmissionStatus.PLAN_APPROVED,
            "decision",
        ),
        (
            "request_changes",
            {"reason": "Measure impact weekly."},
            SubmissionStatus.CHANGES_REQUESTED,
            "changes_requested",
        ),
        (
            "decline",
            {"reason": "Not a fit for this credential."},
            SubmissionStatus.DECLINED,
            "decision",
        ),
    ],
)
def test_one_reviewer_decision_moves_the_plan(
    panel, teacher, decision, extra, status, kind, django_capture_on_commit_callbacks, mailoutbox
):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [assignment] = assigned(submission)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_decide(
            assignment=assignment,
            decision=decision,
            reason=extra.get("reason", ""),
            conditions=extra.get("conditions", ""),
            comments={"overview": "Clear rationale.", "knowledge": ""},
            actor=assignment.reviewer,
        )
    submission.refresh_from_db()
    assert submission.status == status
    assert submission.plan_decided_at is not None
    round_ = StageReview.objects.get(submission=submission)
    assert round_.status == "decided" and round_.outcome == decision
    assert round_.conditions == extra.get("conditions", "")
    assert AuditEvent.objects.filter(
        target_id=submission.pk, from_status=SubmissionStatus.PLAN_SUBMITTED, to_status=status
    ).exists()
    assert list(ComponentComment.objects.values_list("component", "body")) == [
        ("overview", "Clear rationale.")
    ]
    note = Notification.objects.get(recipient=teacher)
    assert note.kind == kind
    assert note.url == f"/reviews/feedback/{submission.pk}/"
    mail = next(m for m in mailoutbox if m.to == [teacher.email])
    assert "http://testserver/reviews/feedback/" in mail.body
    assert mail.alternatives and "text/html" == mail.alternatives[0][1]


def test_reason_and_conditions_are_required(panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [assignment] = assigned(submission)
    for decision, message in [
        ("request_changes", "reason"),
        ("decline", "reason"),
        ("approve_with_conditions", "conditions"),
    ]:
        with pytest.raises(services.ReviewError, match=message):
            services.plan_decide(
                assignment=assignment, decision=decision, reason="", actor=assignment.reviewer
            )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PLAN_SUBMITTED


def test_only_the_assigned_reviewer_decides(panel, teacher, reviewers, chair, district_admin):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [assignment] = assigned(submission)
    others = [r for r in reviewers if r != assignment.reviewer] + [chair, district_admin, teacher]
    for person in others:
        with pytest.raises(PermissionDenied):
            services.plan_decide(assignment=assignment, decision="approve", reason="", actor=person)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PLAN_SUBMITTED


def test_decision_on_a_withdrawn_plan_is_refused_readably(panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [assignment] = assigned(submission)
    submission_move(
        submission_id=submission.pk,
        to_status=SubmissionStatus.WITHDRAWN,
        actor=teacher,
        action="withdraw",
    )
    with pytest.raises(services.ReviewError, match="withdrew this plan"):
        services.plan_decide(
            assignment=assignment, decision="approve", reason="", actor=assignment.reviewer
        )


def test_decision_on_an_already_decided_plan_is_refused(panel, teacher, two_reviewers):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    first, second = assigned(submission)
    services.plan_decide(assignment=first, decision="approve", reason="", actor=first.reviewer)
    with pytest.raises(services.ReviewError, match="already submitted your review"):
        services.plan_decide(assignment=first, decision="decline", reason="x", actor=first.reviewer)
    services.plan_decide(assignment=second, decision="approve", reason="", actor=second.reviewer)
    with pytest.raises(services.ReviewError, match="already “Plan approved”"):
        services.plan_decide(assignment=first, decision="decline", reason="x", actor=first.reviewer)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PLAN_APPROVED


def test_decision_after_the_plan_was_decided_elsewhere(panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [assignment] = assigned(submission)
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.PLAN_APPROVED)
    with pytest.raises(services.ReviewError, match="already “Plan approved”"):
        services.plan_decide(
            assignment=assignment, decision="approve", reason="", actor=assignment.reviewer
        )


def test_all_must_approve_conditions_are_combined(panel, teacher, two_reviewers):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    first, second = assigned(submission)
    services.plan_decide(assignment=first, decision="approve", reason="", actor=first.reviewer)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PLAN_SUBMITTED  # waits for the second reviewer
    services.plan_decide(
        assignment=second,
        decision="approve_with_conditions",
        reason="",
        conditions="Share results with the grade team.",
        actor=second.reviewer,
    )
    submission.refresh_from_db()
    round_ = StageReview.objects.get(submission=submission)
    assert submission.status == SubmissionStatus.PLAN_APPROVED
    assert round_.outcome == "approve_with_conditions"
    assert round_.conditions == "Share results with the grade team."


def test_all_request_changes_decides_changes(panel, teacher, two_reviewers):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    first, second = assigned(submission)
    services.plan_decide(
        assignment=first, decision="request_changes", reason="A", actor=first.reviewer
    )
    services.plan_decide(
        assignment=second, decision="request_changes", reason="B", actor=second.reviewer
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED
    assert StageReview.objects.get(submission=submission).reason == "A\n\nB"


def test_a_split_goes_to_the_chair_who_decides(
    panel, teacher, chair, two_reviewers, reviewers, django_capture_on_commit_callbacks
):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    first, second = assigned(submission)
    services.plan_decide(assignment=first, decision="approve", reason="", actor=first.reviewer)
    services.plan_decide(
        assignment=second, decision="decline", reason="Too broad.", actor=second.reviewer
    )
    submission.refresh_from_db()
    round_ = StageReview.objects.get(submission=submission)
    assert submission.status == SubmissionStatus.PLAN_SUBMITTED
    assert round_.status == "chair" and round_.chair_reason == "split"
    assert chair.notifications.filter(kind="chair").exists()
    with pytest.raises(PermissionDenied):
        services.plan_chair_decide(
            stage_review=round_, decision="approve", reason="ok", actor=first.reviewer
        )
    services.plan_chair_decide(
        stage_review=round_,
        decision="request_changes",
        reason="Narrow the scope to one routine.",
        actor=chair,
    )
    submission.refresh_from_db()
    round_.refresh_from_db()
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED
    assert round_.decided_by == chair and round_.outcome == "request_changes"
    with pytest.raises(services.ReviewError):
        services.plan_chair_decide(
            stage_review=round_, decision="approve", reason="again", actor=chair
        )


def test_chair_decision_only_when_the_round_waits_for_the_chair(panel, teacher, chair):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assigned(submission)
    round_ = StageReview.objects.get(submission=submission)
    with pytest.raises(services.ReviewError, match="does not wait for the chair"):
        services.plan_chair_decide(stage_review=round_, decision="approve", reason="x", actor=chair)


@pytest.fixture
def proposed(district):
    return MicroCredentialFactory(
        district=district,
        status=MicroCredential.Status.PROPOSED,
        origin=MicroCredential.Origin.EDUCATOR,
    )


@pytest.mark.parametrize(
    ("decision", "extra", "credential_status", "action"),
    [
        ("approve", {}, "approved", "microcredential.approved"),
        (
            "approve_with_conditions",
            {"conditions": "Add a criterion on student voice."},
            "approved",
            "microcredential.approved",
        ),
        ("request_changes", {}, "proposed", "microcredential.changes_requested"),
        ("decline", {}, "declined", "microcredential.declined"),
    ],
)
def test_the_plan_decision_carries_the_self_created_credential(
    panel, teacher, proposed, decision, extra, credential_status, action
):
    submission = submission_in(
        SubmissionStatus.PLAN_SUBMITTED, educator=teacher, microcredential=proposed
    )
    [assignment] = assigned(submission)
    services.plan_decide(
        assignment=assignment,
        decision=decision,
        reason="Criteria are observable.",
        comments={"proposal": "Criteria are observable."},
        actor=assignment.reviewer,
        **extra,
    )
    proposed.refresh_from_db()
    assert proposed.status == credential_status
    event = AuditEvent.objects.get(action=action, target_id=proposed.pk)
    assert event.actor == assignment.reviewer and event.to_status == credential_status
    assert event.detail["submission"] == submission.pk and event.detail["decision"] == decision
    assert ComponentComment.objects.get().component == "proposal"


def test_the_chairs_decision_carries_the_self_created_credential(
    district, two_reviewers, panel, teacher, chair, proposed
):
    submission = submission_in(
        SubmissionStatus.PLAN_SUBMITTED, educator=teacher, microcredential=proposed
    )
    first, second = assigned(submission)
    for assignment, decision in ((first, "approve"), (second, "decline")):
        services.plan_decide(
            assignment=assignment, decision=decision, reason="Because.", actor=assignment.reviewer
        )
    proposed.refresh_from_db()
    assert proposed.status == MicroCredential.Status.PROPOSED
    round_ = StageReview.objects.get(submission=submission)
    services.plan_chair_decide(stage_review=round_, decision="approve", reason="Fits.", actor=chair)
    proposed.refresh_from_db()
    assert proposed.status == MicroCredential.Status.APPROVED


def test_a_group_members_decline_leaves_the_proposal_to_the_others(
    district, panel, teacher, proposed
):
    from tests.accounts.factories import EducatorFactory

    lead = submission_in(
        SubmissionStatus.PLAN_SUBMITTED, educator=teacher, microcredential=proposed
    )
    colleague = EducatorFactory(district=district, building=teacher.building)
    member = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=colleague, plan=lead.plan)
    [for_member] = assigned(member)
    services.plan_decide(
        assignment=for_member, decision="decline", reason="Not now.", actor=for_member.reviewer
    )
    proposed.refresh_from_db()
    assert proposed.status == MicroCredential.Status.PROPOSED
    [for_lead] = assigned(lead)
    services.plan_decide(
        assignment=for_lead, decision="approve", reason="", actor=for_lead.reviewer
    )
    proposed.refresh_from_db()
    assert proposed.status == MicroCredential.Status.APPROVED


def test_assigned_reviewers_hear_of_a_submitted_plan_by_mail_and_in_app(
    panel, teacher, django_capture_on_commit_callbacks, mailoutbox
):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = assign_reviewers(submission.pk, "plan")
    assignment = ReviewAssignment.objects.get(pk=pk)
    note = Notification.objects.get(recipient=assignment.reviewer)
    assert note.kind == "plan_submitted" and note.url == f"/reviews/review/{pk}/"
    assert note.emailed_at is not None
    [mail] = mailoutbox
    assert mail.to == [assignment.reviewer.email]
    assert f"http://testserver/reviews/review/{pk}/" in mail.body
    html = mail.alternatives[0][0]
    assert f'href="http://testserver/reviews/review/{pk}/"' in html


def test_the_decision_mail_carries_the_comments_escaped_in_html(
    panel, teacher, django_capture_on_commit_callbacks, mailoutbox
):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [assignment] = assigned(submission)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_decide(
            assignment=assignment,
            decision="request_changes",
            reason="Measure <b>weekly</b>.",
            comments={"impact": "Add the survey questions."},
            actor=assignment.reviewer,
        )
    mail = next(m for m in mailoutbox if m.to == [teacher.email])
    assert "Impact measures: Add the survey questions." in mail.body
    assert "Measure <b>weekly</b>." in mail.body  # plain text as written
    html = mail.alternatives[0][0]
    assert "Measure &lt;b&gt;weekly&lt;/b&gt;." in html and "<b>weekly</b>" not in html
