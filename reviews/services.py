"""Every write of the review side: assignment, plan decisions, scores, outcomes, reminders.

Lock order, everywhere: the Submission row, then the StageReview, then the ReviewAssignment.
Two reviewers deciding at the same moment are serialised on the submission row, so the second
one sees the first one's decision and the round's outcome is computed exactly once.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Building, District, Role, User, holds_role
from accounts.services import audit_record
from credentials.models import MicroCredential, RubricLevel, Stack
from credentials.services import microcredential_proposal_decide
from notifications.models import Notification
from notifications.services import notify
from outbox.services import outbox_enqueue
from submissions.models import Attempt, Submission
from submissions.selectors import CLOSED_STATUSES
from submissions.transitions import submission_move

from .models import (
    WAITING,
    ComponentComment,
    CriterionScore,
    Panel,
    ReviewAssignment,
    Stage,
    StageReview,
    needs_another_reviewer_q,
)
from .selectors import (
    can_manage_round,
    panel_for_submission,
    queue_for_reviewer,
    reviewer_candidates,
    reviewer_ineligibility,
    round_agreement,
    with_round_due,
)

SubmissionStatus = Submission.Status
AssignmentStatus = ReviewAssignment.Status
Decision = ReviewAssignment.Decision
RoundStatus = StageReview.Status
MicroCredentialStatus = MicroCredential.Status

# The chair hears about an overdue review this long after the reviewer's first reminder.
CHAIR_ESCALATION_AFTER = timedelta(days=3)
APPROVALS = {Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS}
# A plan decision and the status it moves the submission to.
PLAN_DECISION_STATUS = {
    Decision.APPROVE: SubmissionStatus.PLAN_APPROVED,
    Decision.APPROVE_WITH_CONDITIONS: SubmissionStatus.PLAN_APPROVED,
    Decision.REQUEST_CHANGES: SubmissionStatus.CHANGES_REQUESTED,
    Decision.DECLINE: SubmissionStatus.DECLINED,
}
# A plan decision and what it makes of the educator's own micro-credential proposed with it.
PROPOSAL_STATUS = {
    Decision.APPROVE: MicroCredentialStatus.APPROVED,
    Decision.APPROVE_WITH_CONDITIONS: MicroCredentialStatus.APPROVED,
    Decision.REQUEST_CHANGES: MicroCredentialStatus.PROPOSED,
    Decision.DECLINE: MicroCredentialStatus.DECLINED,
}


def _group_still_open(submission: Submission) -> bool:
    """Another member of the submission's group plan has a submission not declined or withdrawn."""
    return (
        Submission.objects.filter(plan_id=submission.plan_id)
        .exclude(pk=submission.pk)
        .exclude(status__in=CLOSED_STATUSES)
        .exists()
    )


class ReviewError(Exception):
    """A review action the rules refuse; its message is for the user."""


# --- Panels and assignment ------------------------------------------------------------------


def panel_save(
    *,
    panel: Panel | None,
    district: District,
    name: str,
    description: str,
    chair: User | None,
    members: Iterable[User],
    buildings: Iterable[Building],
    stacks: Iterable[Stack],
    active: bool,
    actor: User,
) -> Panel:
    """Create a panel of ``district`` (``panel`` None) or change ``panel`` (district admins)."""
    if not (actor.has_role(Role.DISTRICT_ADMIN) and actor.district_id == district.pk):
        raise PermissionDenied("Only district admins manage panels.")
    if panel is not None and panel.district_id != district.pk:
        raise PermissionDenied("This panel belongs to another district.")
    members, buildings, stacks = list(members), list(buildings), list(stacks)
    people = [p for p in (chair, *members) if p is not None]
    if any(p.district_id != district.pk for p in people) or any(
        thing.district_id != district.pk for thing in (*buildings, *stacks)
    ):
        raise PermissionDenied("A panel is made of its own district's people and scope.")
    with transaction.atomic():
        created = panel is None
        if created:
            panel = Panel(district=district)
        panel.name = name.strip()
        panel.description = description
        panel.chair = chair
        panel.active = active
        panel.save()
        panel.members.set(members)
        panel.buildings.set(buildings)
        panel.stacks.set(stacks)
        audit_record(
            actor=actor,
            action="panel.created" if created else "panel.changed",
            target=panel,
            district=district,
            detail={"chair": panel.chair_id, "members": sorted(p.pk for p in members)},
        )
    return panel


def _required(district: District, stage: str) -> int:
    if stage == Stage.PLAN:
        return max(1, district.plan_reviewers_required)
    return max(1, district.final_reviewers_required)


def _due(district: District) -> timezone.datetime:
    return timezone.now() + timedelta(days=district.review_turnaround_days)


def _current_round(submission: Submission, stage: str) -> StageReview | None:
    """Open the round for the submission's present state of ``stage``, or return the open one.
    Returns None when the submission does not wait for this stage or its round is decided."""
    if submission.status not in WAITING[stage]:
        return None
    rounds = StageReview.objects.filter(submission=submission, stage=stage)
    if stage == Stage.PLAN:
        current = (
            rounds.filter(status__in=(RoundStatus.OPEN, RoundStatus.CHAIR))
            .order_by("-round")
            .first()
        )
        if current is not None:
            return current
        number = (rounds.order_by("-round").values_list("round", flat=True).first() or 0) + 1
        attempt = None
    else:
        attempt = Attempt.objects.filter(submission=submission).order_by("-number").first()
        if attempt is not None:
            number = attempt.number
        else:
            number = max(1, submission.attempt_count)
        existing = rounds.filter(round=number).first()
        if existing is not None:
            return existing if existing.status in (RoundStatus.OPEN, RoundStatus.CHAIR) else None
    return StageReview.objects.create(
        district_id=submission.district_id,
        submission=submission,
        stage=stage,
        round=number,
        attempt=attempt,
        panel=panel_for_submission(submission),
        due_at=_due(submission.district),
    )


def _assignment_create(
    *, stage_review: StageReview, reviewer: User, due_at: timezone.datetime
) -> ReviewAssignment:
    """A reviewer's pending review of ``stage_review``: the one place an assignment is made, so
    its copies of the round's district, submission, stage and opening time stay the round's."""
    return ReviewAssignment.objects.create(
        district_id=stage_review.district_id,
        stage_review=stage_review,
        submission_id=stage_review.submission_id,
        stage=stage_review.stage,
        reviewer=reviewer,
        opened_at=stage_review.opened_at,
        due_at=due_at,
    )


def _next_reviewers(submission: Submission, stage_review: StageReview, count: int) -> list[User]:
    """The assignment rule: up to ``count`` of the people who may take a review of the round
    (``selectors.reviewers_who_may_take``: the round's panel, the district's reviewers without
    one) not yet on it; the reviewers of an earlier round of the same stage come first (they
    know the plan), then the lightest load."""
    taken = set(stage_review.assignments.values_list("reviewer_id", flat=True))
    previous = set(
        ReviewAssignment.objects.filter(
            submission=submission, stage=stage_review.stage, status=AssignmentStatus.SUBMITTED
        ).values_list("reviewer_id", flat=True)
    )
    candidates = [
        c
        for c in reviewer_candidates(submission=submission, panel=stage_review.panel)
        if c.pk not in taken
    ]
    candidates.sort(key=lambda c: (c.pk not in previous, c.load, c.pk))
    return candidates[:count]


def reviewers_assign(*, submission_id: int, stage: str) -> list[int]:
    """Assign reviewers to the current round of ``stage``; returns the new assignments' ids.

    Idempotent: it only tops the round up to the district's number of reviewers, chosen by
    the assignment rule (``_next_reviewers``).
    """
    if stage not in Stage.values:
        raise ValueError(f"Unknown stage {stage!r}")
    created: list[ReviewAssignment] = []
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("district", "educator", "plan__microcredential")
            .get(pk=submission_id)
        )
        stage_review = _current_round(submission, stage)
        if stage_review is None or stage_review.status != RoundStatus.OPEN:
            return []
        active = stage_review.assignments.filter(
            status__in=(AssignmentStatus.PENDING, AssignmentStatus.SUBMITTED)
        ).count()
        missing = _required(submission.district, stage) - active
        if missing <= 0:
            return []
        for reviewer in _next_reviewers(submission, stage_review, missing):
            created.append(
                _assignment_create(
                    stage_review=stage_review, reviewer=reviewer, due_at=stage_review.due_at
                )
            )
        for assignment in created:
            audit_record(
                actor=None,
                action="review.assigned",
                target=assignment,
                district=submission.district,
                detail={"reviewer": assignment.reviewer_id, "stage": stage},
            )
            _notify_assignment(assignment, submission)
        if len(created) < missing and stage_review.panel and stage_review.panel.chair_id:
            # The chair's notice; a deactivated chair's goes to the admins in their place.
            _notify_chairs(
                stage_review,
                kind=Notification.Kind.REASSIGNED,
                title=f"Not enough eligible reviewers for {submission.plan}",
                body=(
                    f"{submission.educator.display_name}'s {Stage(stage).label.lower()} "
                    f"needs {missing - len(created)} more reviewer(s). Please assign someone."
                ),
                event_key=f"short:{stage_review.pk}",
            )
    return [a.pk for a in created]


def _notify_assignment(assignment: ReviewAssignment, submission: Submission) -> None:
    if assignment.stage == Stage.PLAN:
        resubmission = assignment.stage_review.round > 1
        kind = Notification.Kind.RESUBMITTED if resubmission else Notification.Kind.PLAN_SUBMITTED
        what = "A revised plan" if resubmission else "A plan"
    else:
        resubmission = submission.status == SubmissionStatus.RESUBMITTED
        kind = Notification.Kind.RESUBMITTED if resubmission else Notification.Kind.REVIEW_REQUESTED
        what = "A resubmission" if resubmission else "A submission"
    notify(
        recipient=assignment.reviewer,
        kind=kind,
        title=f"{what} waits for your review: {submission.plan}",
        body=(
            f"{submission.educator.display_name} submitted “{submission.plan}” "
            f"({assignment.get_stage_display().lower()}). Please review it by "
            f"{date_format(timezone.localtime(assignment.due_at))}."
        ),
        url=reverse("reviews:review", args=[assignment.pk]),
        event_key=f"assigned:{assignment.pk}",
    )


def assignment_reassign(
    *, assignment: ReviewAssignment, to_reviewer: User, actor: User
) -> ReviewAssignment:
    """Move a pending review to another eligible reviewer (district admins and the chair)."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=assignment.submission_id)
        stage_review = StageReview.objects.select_for_update().get(pk=assignment.stage_review_id)
        assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if not can_manage_round(user=actor, stage_review=stage_review):
            raise PermissionDenied("Only the panel's chair or a district admin may reassign.")
        if assignment.status != AssignmentStatus.PENDING or stage_review.status != RoundStatus.OPEN:
            raise ReviewError("Only a review that is still waiting can be reassigned.")
        reason = reviewer_ineligibility(
            reviewer=to_reviewer, submission=submission, panel=stage_review.panel
        )
        if reason:
            raise ReviewError(reason)
        if stage_review.assignments.filter(reviewer=to_reviewer).exists():
            raise ReviewError(f"{to_reviewer.display_name} is already assigned to this review.")
        return _assignment_move(submission, stage_review, assignment, to_reviewer, actor)


def _assignment_move(
    submission: Submission,
    stage_review: StageReview,
    assignment: ReviewAssignment,
    to_reviewer: User,
    actor: User,
    **detail: str,
) -> ReviewAssignment:
    """Hand a pending review (the three rows locked, ``to_reviewer`` eligible and not on the
    round) to ``to_reviewer``, with the district's full turnaround; they are told. The round's
    outcome is then due no sooner than the new review (``StageReview.due_at``)."""
    assignment.status = AssignmentStatus.REASSIGNED
    assignment.reassigned_by = actor
    assignment.save(update_fields=["status", "reassigned_by"])
    new = _assignment_create(
        stage_review=stage_review, reviewer=to_reviewer, due_at=_due(submission.district)
    )
    if new.due_at > stage_review.due_at:
        stage_review.due_at = new.due_at
        stage_review.save(update_fields=["due_at"])
    audit_record(
        actor=actor,
        action="review.reassigned",
        target=new,
        district=submission.district,
        detail={"from": assignment.reviewer_id, "to": to_reviewer.pk, **detail},
    )
    _notify_assignment(new, submission)
    return new


def rounds_cancel_on_leaving(*, submission: Submission, actor: User | None) -> list[int]:
    """The educator left the district, and the move closed their plan (``LEFT_DISTRICT``): its
    rounds still open (with the reviewers or the chair) are cancelled with their pending
    reviews, so nobody is left a review that can never be recorded; each reviewer taken off is
    told. Runs inside the move's transaction, the submission row locked (lock order: the
    submission, the round, the assignment). Returns the cancelled assignments' ids."""
    cancelled: list[int] = []
    rounds = StageReview.objects.select_for_update().filter(
        submission_id=submission.pk, status__in=(RoundStatus.OPEN, RoundStatus.CHAIR)
    )
    for stage_review in rounds:
        pending = list(
            ReviewAssignment.objects.select_for_update()
            .filter(stage_review=stage_review, status=AssignmentStatus.PENDING)
            .select_related("reviewer")
        )
        for assignment in pending:
            assignment.status = AssignmentStatus.CANCELLED
            assignment.save(update_fields=["status"])
            notify(
                recipient=assignment.reviewer,
                kind=Notification.Kind.REASSIGNED,
                title=f"No longer needed: your review of {submission.plan}",
                body=(
                    f"{submission.educator.display_name} moved to another district, and the "
                    "plan was closed. Nothing is left for you to review on it."
                ),
                url=reverse("reviews:queue"),
                event_key=f"left:{assignment.pk}",
            )
            cancelled.append(assignment.pk)
        before = stage_review.status
        stage_review.status = RoundStatus.CANCELLED
        stage_review.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="review.round_cancelled",
            target=stage_review,
            district=submission.district,
            from_status=before,
            to_status=RoundStatus.CANCELLED,
            detail={
                "reason": SubmissionStatus.LEFT_DISTRICT,
                "assignments": [a.pk for a in pending],
            },
        )
    return cancelled


REVIEWER_DEACTIVATED = "reviewer_deactivated"
# At most this many reviews are named in a chair's notice; the rest are counted.
HAND_BACK_NOTICE_LINES = 20


@dataclass(frozen=True)
class HandBack:
    """What became of a deactivated reviewer's waiting reviews."""

    # The new reviewers' assignments.
    reassigned: list[ReviewAssignment] = field(default_factory=list)
    # Still waiting and still theirs: nobody else may review them; the chair chooses.
    left_for_chair: list[ReviewAssignment] = field(default_factory=list)


def reviews_hand_back(*, reviewer: User, actor: User) -> HandBack:
    """``reviewer`` was deactivated (``people.services.person_deactivate``, in its transaction):
    each review waiting for them (their queue's rule) goes, as the chair's reassignment does, to
    the reviewer the assignment rule picks among the other active members of its panel
    (``_next_reviewers``), with the district's full turnaround. Where the rule finds nobody,
    the review stays waiting, flagged (``ReviewAssignment.needs_another_reviewer``) for the
    chair to give from the round's page. The submission and its round are left as they are:
    the same round goes on and concludes as any other. Each panel's chair (the district admins
    for a panel without one) is told what went where."""
    if not (actor.has_role(Role.DISTRICT_ADMIN) and actor.district_id == reviewer.district_id):
        raise PermissionDenied("Only the district's admins deactivate its people.")
    if reviewer.is_active:
        raise ReviewError(f"{reviewer.display_name} is active: their reviews stay theirs.")
    result = HandBack()
    # Per recipient: the person, and a line per review (and whether it waits for them).
    notices: dict[int, tuple[User, list[tuple[str, bool]]]] = {}
    waiting = queue_for_reviewer(user=reviewer).values_list(
        "pk", "submission_id", "stage_review_id"
    )
    for assignment_id, submission_id, stage_review_id in list(waiting):
        # Lock order: the submission, the round, the assignment; then read again under the locks.
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("district", "educator", "plan__microcredential")
            .get(pk=submission_id)
        )
        stage_review = (
            StageReview.objects.select_for_update(of=("self",))
            .select_related("panel__chair")
            .get(pk=stage_review_id)
        )
        assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment_id)
        if (
            assignment.status != AssignmentStatus.PENDING
            or stage_review.status != RoundStatus.OPEN
            or submission.status not in WAITING[assignment.stage]
        ):
            continue
        what = (
            f"{submission.educator.display_name}'s {stage_review.get_stage_display().lower()} "
            f"of “{submission.plan}”"
        )
        successor = _next_reviewers(submission, stage_review, 1)
        if successor:
            new = _assignment_move(
                submission,
                stage_review,
                assignment,
                successor[0],
                actor,
                reason=REVIEWER_DEACTIVATED,
            )
            result.reassigned.append(new)
            line = (f"{what}: now with {new.reviewer.display_name}.", False)
        else:
            audit_record(
                actor=actor,
                action="review.needs_reviewer",
                target=assignment,
                district=submission.district,
                detail={"reviewer": reviewer.pk, "reason": REVIEWER_DEACTIVATED},
            )
            result.left_for_chair.append(assignment)
            where = "on the panel" if stage_review.panel_id else "in the district"
            line = (f"{what}: nobody else {where} may review it; choose a reviewer.", True)
        for person in _chairs_of(stage_review):
            notices.setdefault(person.pk, (person, []))[1].append(line)
    if not (result.reassigned or result.left_for_chair):
        return result
    event = audit_record(
        actor=actor,
        action="reviews.handed_back",
        target=reviewer,
        district=reviewer.district,
        detail={
            "reassigned": [a.pk for a in result.reassigned],
            "left_for_chair": [a.pk for a in result.left_for_chair],
        },
    )
    for person, lines in notices.values():
        shown = [text for text, _ in lines[:HAND_BACK_NOTICE_LINES]]
        if len(lines) > len(shown):
            shown.append(f"… and {len(lines) - len(shown)} more on the open reviews page.")
        for_chair = sum(1 for _, waits in lines if waits)
        moved = len(lines) - for_chair
        outcome = [f"{moved} went to other reviewers"] if moved else []
        if for_chair:
            outcome.append(f"{for_chair} need you to choose a reviewer")
        notify(
            recipient=person,
            kind=Notification.Kind.REASSIGNED,
            title=f"{reviewer.display_name} was deactivated: {', '.join(outcome)}",
            body=(
                f"{actor.display_name} deactivated {reviewer.display_name}. The reviews that "
                "waited for them on your panel:\n\n" + "\n".join(f"• {line}" for line in shown)
            ),
            url=reverse("reviews:rounds"),
            event_key=f"handed-back:{event.pk}",
        )
    return result


# --- Deciding ---------------------------------------------------------------------------------


def _lock_for_decision(
    assignment: ReviewAssignment, actor: User, stage: str
) -> tuple[Submission, StageReview, ReviewAssignment]:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("district")
        .get(pk=assignment.submission_id)
    )
    stage_review = StageReview.objects.select_for_update().get(pk=assignment.stage_review_id)
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.reviewer_id != actor.pk or actor.district_id != submission.district_id:
        raise PermissionDenied("Only the assigned reviewer may record this review.")
    if assignment.stage != stage:
        raise ReviewError("This review belongs to another stage.")
    _refuse_if_not_waiting(submission, stage)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ReviewError("You have already submitted your review of this round.")
    if assignment.status != AssignmentStatus.PENDING or stage_review.status != RoundStatus.OPEN:
        raise ReviewError("This review is closed: it was reassigned or the round was decided.")
    return submission, stage_review, assignment


def _refuse_if_not_waiting(submission: Submission, stage: str) -> None:
    if submission.status in WAITING[stage]:
        return
    if submission.status == SubmissionStatus.WITHDRAWN:
        raise ReviewError("The educator withdrew this plan; no decision can be recorded.")
    if submission.status == SubmissionStatus.LEFT_DISTRICT:
        raise ReviewError(
            "The educator left the district; the plan was closed and no decision can be recorded."
        )
    raise ReviewError(
        f"This plan is already “{submission.get_status_display()}”; "
        "no decision can be recorded now."
    )


def plan_decide(
    *,
    assignment: ReviewAssignment,
    decision: str,
    reason: str,
    conditions: str = "",
    comments: dict[str, str] | None = None,
    actor: User,
) -> StageReview:
    """A reviewer's decision on a plan, with comments per component; may conclude the round."""
    if decision not in Decision.values:
        raise ReviewError("Choose a decision.")
    if decision in (Decision.REQUEST_CHANGES, Decision.DECLINE) and not reason.strip():
        raise ReviewError("Give the educator a reason for this decision.")
    if decision == Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise ReviewError("State the conditions of the approval.")
    with transaction.atomic():
        submission, stage_review, assignment = _lock_for_decision(assignment, actor, Stage.PLAN)
        for component, body in (comments or {}).items():
            if body.strip():
                ComponentComment.objects.update_or_create(
                    assignment=assignment, component=component, defaults={"body": body.strip()}
                )
        assignment.decision = decision
        assignment.reason = reason.strip()
        assignment.conditions = (
            conditions.strip() if decision == Decision.APPROVE_WITH_CONDITIONS else ""
        )
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.submitted_at = timezone.now()
        assignment.save(
            update_fields=["decision", "reason", "conditions", "status", "submitted_at"]
        )
        audit_record(
            actor=actor,
            action="review.plan_decision",
            target=assignment,
            district=submission.district,
            detail={"decision": decision},
        )
        _plan_round_conclude(submission, stage_review, actor)
    return stage_review


def _round_complete(stage_review: StageReview) -> list[ReviewAssignment] | None:
    """The submitted assignments when every active reviewer has submitted, else None."""
    active = list(
        stage_review.assignments.filter(
            status__in=(AssignmentStatus.PENDING, AssignmentStatus.SUBMITTED)
        ).select_related("reviewer")
    )
    if not active or any(a.status == AssignmentStatus.PENDING for a in active):
        return None
    return active


def _plan_round_conclude(submission: Submission, stage_review: StageReview, actor: User) -> None:
    """All must approve; all requesting changes (or all declining) decide that; a split goes
    to the chair."""
    done = _round_complete(stage_review)
    if done is None:
        return
    decisions = {a.decision for a in done}
    if decisions <= APPROVALS:
        with_conditions = Decision.APPROVE_WITH_CONDITIONS in decisions
        decision = Decision.APPROVE_WITH_CONDITIONS if with_conditions else Decision.APPROVE
        conditions = "\n\n".join(a.conditions for a in done if a.conditions)
        reason = "\n\n".join(a.reason for a in done if a.reason)
        _plan_outcome_apply(submission, stage_review, decision, reason, conditions, actor)
    elif len(decisions) == 1:
        decision = decisions.pop()
        reason = "\n\n".join(a.reason for a in done if a.reason)
        _plan_outcome_apply(submission, stage_review, decision, reason, "", actor)
    else:
        _send_to_chair(submission, stage_review, StageReview.ChairReason.SPLIT, "")


def _send_to_chair(
    submission: Submission, stage_review: StageReview, reason: str, recommendation: str
) -> None:
    stage_review.status = RoundStatus.CHAIR
    stage_review.chair_reason = reason
    stage_review.recommendation = recommendation
    stage_review.save(update_fields=["status", "chair_reason", "recommendation"])
    audit_record(
        actor=None,
        action="review.to_chair",
        target=stage_review,
        district=submission.district,
        detail={"reason": reason, "recommendation": recommendation},
    )
    _notify_chairs(
        stage_review,
        kind=Notification.Kind.CHAIR,
        title=f"Your decision is needed: {submission.plan}",
        body=(
            f"{StageReview.ChairReason(reason).label} on "
            f"{submission.educator.display_name}'s {stage_review.get_stage_display().lower()}."
        ),
        event_key=f"chair:{stage_review.pk}",
    )


def _notify_chairs(
    stage_review: StageReview, *, kind, title: str, body: str, event_key: str
) -> int:
    """Tell whoever decides for ``stage_review``'s panel (``_chairs_of``), linking to the round;
    how many were told."""
    chairs = _chairs_of(stage_review)
    for person in chairs:
        notify(
            recipient=person,
            kind=kind,
            title=title,
            body=body,
            url=reverse("reviews:round", args=[stage_review.pk]),
            event_key=event_key,
        )
    return len(chairs)


def _chairs_of(stage_review: StageReview) -> list[User]:
    """The panel's chair; without one (or while the chair is deactivated), the district's
    active admins decide in the chair's place (``selectors.chair_absent``)."""
    chair = stage_review.panel.acting_chair if stage_review.panel is not None else None
    if chair is not None:
        return [chair]
    return list(
        User.objects.filter(
            holds_role(Role.DISTRICT_ADMIN), district_id=stage_review.district_id, is_active=True
        )
    )


def _plan_outcome_apply(
    submission: Submission,
    stage_review: StageReview,
    decision: str,
    reason: str,
    conditions: str,
    actor: User,
) -> None:
    to_status = PLAN_DECISION_STATUS[decision]
    now = timezone.now()
    stage_review.status = RoundStatus.DECIDED
    stage_review.outcome = decision
    stage_review.reason = reason
    stage_review.conditions = conditions
    stage_review.decided_by = actor
    stage_review.decided_at = now
    stage_review.save(
        update_fields=["status", "outcome", "reason", "conditions", "decided_by", "decided_at"]
    )
    submission_move(
        submission_id=submission.pk,
        to_status=to_status,
        actor=actor,
        action=f"plan.{decision}",
        allowed_from=WAITING[Stage.PLAN],
        detail={"stage_review": stage_review.pk, "reason": reason, "conditions": conditions},
    )
    microcredential = submission.plan.microcredential
    if microcredential.status == MicroCredentialStatus.PROPOSED:
        proposal_status = PROPOSAL_STATUS[decision]
        if proposal_status == MicroCredentialStatus.DECLINED and _group_still_open(submission):
            # Another member of the group plan still waits for the panel: so does the proposal.
            proposal_status = MicroCredentialStatus.PROPOSED
        microcredential_proposal_decide(
            microcredential=microcredential,
            to_status=proposal_status,
            actor=actor,
            detail={
                "plan": submission.plan_id,
                "submission": submission.pk,
                "stage_review": stage_review.pk,
                "decision": decision,
            },
        )
    kind = (
        Notification.Kind.CHANGES_REQUESTED
        if decision == Decision.REQUEST_CHANGES
        else Notification.Kind.DECISION
    )
    label = Decision(decision).label.lower()
    body = f"The panel's decision on your plan “{submission.plan}”: {label}."
    if conditions:
        body += f"\n\nConditions:\n{conditions}"
    if reason:
        body += f"\n\nReason:\n{reason}"
    comments = ComponentComment.objects.filter(
        assignment__stage_review=stage_review, assignment__status=AssignmentStatus.SUBMITTED
    ).order_by("id")
    for comment in comments:
        body += f"\n\n{comment.get_component_display()}: {comment.body}"
    notify(
        recipient=submission.educator,
        kind=kind,
        title=f"Plan decision: {Decision(decision).label} — {submission.plan}",
        body=body,
        url=reverse("reviews:feedback", args=[submission.pk]),
        event_key=f"decided:{stage_review.pk}",
    )


def plan_chair_decide(
    *, stage_review: StageReview, decision: str, reason: str, conditions: str = "", actor: User
) -> StageReview:
    """The chair's decision on a split plan review."""
    if decision not in Decision.values:
        raise ReviewError("Choose a decision.")
    if not reason.strip():
        raise ReviewError("Give the educator a reason for this decision.")
    if decision == Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise ReviewError("State the conditions of the approval.")
    with transaction.atomic():
        submission, stage_review = _lock_for_chair(stage_review, actor, Stage.PLAN)
        _plan_outcome_apply(
            submission,
            stage_review,
            decision,
            reason.strip(),
            conditions.strip() if decision == Decision.APPROVE_WITH_CONDITIONS else "",
            actor,
        )
    return stage_review


def _lock_for_chair(
    stage_review: StageReview, actor: User, stage: str
) -> tuple[Submission, StageReview]:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("district", "plan__microcredential", "educator")
        .get(pk=stage_review.submission_id)
    )
    stage_review = (
        StageReview.objects.select_for_update(of=("self",))
        .select_related("panel")
        .get(pk=stage_review.pk)
    )
    if actor not in _chairs_of(stage_review) and not (
        actor.has_role(Role.DISTRICT_ADMIN) and actor.district_id == stage_review.district_id
    ):
        raise PermissionDenied("Only the panel's chair may decide this.")
    if stage_review.stage != stage:
        raise ReviewError("This round belongs to another stage.")
    _refuse_if_not_waiting(submission, stage)
    if stage_review.status != RoundStatus.CHAIR:
        raise ReviewError("This round does not wait for the chair.")
    return submission, stage_review


# --- Scoring ----------------------------------------------------------------------------------


def scores_submit(
    *,
    assignment: ReviewAssignment,
    levels: dict[int, int],
    feedback: dict[int, str],
    overall_comment: str,
    actor: User,
) -> StageReview:
    """A reviewer's level and feedback for every rubric criterion, and an overall comment."""
    with transaction.atomic():
        submission, stage_review, assignment = _lock_for_decision(assignment, actor, Stage.FINAL)
        rubric = submission.plan.microcredential.rubric
        criteria = list(rubric.criteria.all())
        if not criteria:
            raise ReviewError("This micro-credential's rubric has no criteria to score.")
        valid_levels = {
            level.pk: level
            for level in RubricLevel.objects.filter(criterion__rubric=rubric).select_related(
                "criterion"
            )
        }
        missing = [c.title for c in criteria if c.pk not in levels]
        if missing:
            raise ReviewError("Choose a level for every criterion: " + ", ".join(missing) + ".")
        passed_count = 0
        for criterion in criteria:
            level = valid_levels.get(levels[criterion.pk])
            if level is None or level.criterion_id != criterion.pk:
                raise ReviewError(f"Choose one of the levels of “{criterion.title}”.")
            passed = criterion.passes(level.score)
            passed_count += passed
            CriterionScore.objects.update_or_create(
                assignment=assignment,
                criterion=criterion,
                defaults={
                    "attempt": stage_review.attempt,
                    "level": level,
                    "passed": passed,
                    "feedback": feedback.get(criterion.pk, "").strip(),
                },
            )
        recommendation = (
            ReviewAssignment.Recommendation.EARNED
            if rubric.passes(passed_count, len(criteria))
            else ReviewAssignment.Recommendation.NOT_YET
        )
        assignment.overall_comment = overall_comment.strip()
        assignment.recommendation = recommendation
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.submitted_at = timezone.now()
        assignment.save(
            update_fields=["overall_comment", "recommendation", "status", "submitted_at"]
        )
        audit_record(
            actor=actor,
            action="review.scored",
            target=assignment,
            district=submission.district,
            detail={"passed": passed_count, "criteria": len(criteria)},
        )
        _final_round_conclude(submission, stage_review, actor)
    return stage_review


def _final_round_conclude(submission: Submission, stage_review: StageReview, actor: User) -> None:
    """Disagreement on any criterion goes to the chair; otherwise the rubric's passing rule on
    the criteria every reviewer passed decides, and the chair confirms when the district says so.
    """
    done = _round_complete(stage_review)
    if done is None:
        return
    agreed, disagreed = round_agreement(stage_review)
    if disagreed:
        _send_to_chair(submission, stage_review, StageReview.ChairReason.DISAGREEMENT, "")
        return
    rubric = submission.plan.microcredential.rubric
    total = rubric.criteria.count()
    passed = (
        CriterionScore.objects.filter(
            assignment__stage_review=stage_review,
            assignment__status=AssignmentStatus.SUBMITTED,
            passed=True,
        )
        .values("criterion_id")
        .distinct()
        .count()
    )
    recommendation = (
        SubmissionStatus.EARNED if rubric.passes(passed, total) else SubmissionStatus.NOT_YET
    )
    if submission.district.require_chair_confirmation:
        _send_to_chair(
            submission, stage_review, StageReview.ChairReason.CONFIRMATION, recommendation
        )
        return
    comments = "\n\n".join(a.overall_comment for a in done if a.overall_comment)
    _final_outcome_apply(submission, stage_review, recommendation, comments, actor)


def _final_outcome_apply(
    submission: Submission, stage_review: StageReview, outcome: str, reason: str, actor: User
) -> None:
    now = timezone.now()
    stage_review.status = RoundStatus.DECIDED
    stage_review.outcome = outcome
    stage_review.reason = reason
    stage_review.decided_by = actor
    stage_review.decided_at = now
    stage_review.save(update_fields=["status", "outcome", "reason", "decided_by", "decided_at"])
    if stage_review.attempt_id:
        Attempt.objects.filter(pk=stage_review.attempt_id).update(outcome=outcome, decided_at=now)

    def hand_off(saved: Submission) -> None:
        from badges.tasks import issue_award

        outbox_enqueue(task=issue_award, args=[saved.pk])

    submission_move(
        submission_id=submission.pk,
        to_status=outcome,
        actor=actor,
        action=f"submission.{outcome}",
        allowed_from=WAITING[Stage.FINAL],
        detail={"stage_review": stage_review.pk},
        side_effects=hand_off if outcome == SubmissionStatus.EARNED else None,
    )
    url = reverse("reviews:feedback", args=[submission.pk])
    if outcome == SubmissionStatus.EARNED:
        notify(
            recipient=submission.educator,
            kind=Notification.Kind.EARNED,
            title=f"You earned “{submission.plan.microcredential.title}”",
            body="The panel scored your submission and the micro-credential is earned. "
            "Your certificate is being issued.",
            url=url,
            event_key=f"decided:{stage_review.pk}",
        )
        return
    body = "The panel scored your submission: not yet. Read the feedback per criterion."
    if submission.attempts_left == 0:
        body += " This was your last permitted attempt."
    else:
        body += " You may revise and resubmit."
    if reason:
        body += f"\n\n{reason}"
    notify(
        recipient=submission.educator,
        kind=Notification.Kind.SCORED,
        title=f"Scored: not yet — {submission.plan}",
        body=body,
        url=url,
        event_key=f"decided:{stage_review.pk}",
    )


def final_chair_decide(
    *, stage_review: StageReview, outcome: str, reason: str, actor: User
) -> StageReview:
    """The chair grants (or not) after a disagreement or a recommendation to confirm."""
    if outcome not in (SubmissionStatus.EARNED, SubmissionStatus.NOT_YET):
        raise ReviewError("Choose earned or not yet.")
    if stage_review.chair_reason != StageReview.ChairReason.CONFIRMATION and not reason.strip():
        raise ReviewError("Explain the decision to the educator.")
    with transaction.atomic():
        submission, stage_review = _lock_for_chair(stage_review, actor, Stage.FINAL)
        _final_outcome_apply(submission, stage_review, outcome, reason.strip(), actor)
    return stage_review


# --- Reminders ------------------------------------------------------------------------------


def overdue_reminders_send(*, now: timezone.datetime | None = None) -> int:
    """Remind each active reviewer once when their review is overdue; tell the chair
    CHAIR_ESCALATION_AFTER later, and when a round waits for the chair past its due date.

    A deactivated reviewer hears nothing: their overdue review, flagged for the chair to give to
    someone (``ReviewAssignment.needs_another_reviewer``), is the chair's to act on, so the
    chair (the district admins in place of a deactivated one, ``_chairs_of``) is told of its
    round at once, once."""
    now = now or timezone.now()
    sent = 0
    overdue = ReviewAssignment.objects.filter(
        status=AssignmentStatus.PENDING,
        due_at__lt=now,
        stage_review__status=RoundStatus.OPEN,
        reviewer__is_active=True,
    ).select_related("reviewer", "submission__plan", "submission__educator", "stage_review")
    for assignment in overdue:
        if assignment.submission.status not in WAITING[assignment.stage]:
            continue
        if assignment.reminded_at is None:
            with transaction.atomic():
                notify(
                    recipient=assignment.reviewer,
                    kind=Notification.Kind.OVERDUE,
                    title=f"Overdue review: {assignment.submission.plan}",
                    body=(
                        f"Your review of {assignment.submission.educator.display_name}'s "
                        f"“{assignment.submission.plan}” was due "
                        f"{date_format(timezone.localtime(assignment.due_at))}."
                    ),
                    url=reverse("reviews:review", args=[assignment.pk]),
                    event_key=f"overdue:{assignment.pk}",
                )
                ReviewAssignment.objects.filter(pk=assignment.pk).update(reminded_at=now)
            sent += 1
    rounds = (
        with_round_due(
            StageReview.objects.filter(
                status__in=(RoundStatus.OPEN, RoundStatus.CHAIR), chair_reminded_at__isnull=True
            ),
            now=now,
        )
        .filter(
            Q(status=RoundStatus.CHAIR, is_overdue=True)
            | Q(
                assignments__status=AssignmentStatus.PENDING,
                assignments__reminded_at__lt=now - CHAIR_ESCALATION_AFTER,
            )
            | (needs_another_reviewer_q("assignments__") & Q(assignments__due_at__lt=now))
        )
        .select_related("panel__chair", "submission__plan", "submission__educator")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(needs_another_reviewer_q()).select_related(
                    "reviewer"
                ),
                to_attr="flagged",
            )
        )
        .distinct()
    )
    for stage_review in rounds:
        if stage_review.submission.status not in WAITING[stage_review.stage]:
            continue
        body = (
            f"The {stage_review.get_stage_display().lower()} of "
            f"{stage_review.submission.educator.display_name}'s "
            f"“{stage_review.submission.plan}” is overdue "
            f"(due {date_format(timezone.localtime(stage_review.due_on))})."
        )
        if stage_review.flagged:
            names = ", ".join(a.reviewer.display_name for a in stage_review.flagged)
            who = "who were" if len(stage_review.flagged) > 1 else "who was"
            where = "on the panel" if stage_review.panel_id else "in the district"
            body += (
                f" It waits for {names}, {who} deactivated, and nobody else {where} may "
                "review it: choose a reviewer on the round's page."
            )
        with transaction.atomic():
            sent += _notify_chairs(
                stage_review,
                kind=Notification.Kind.OVERDUE,
                title=f"Overdue on your panel: {stage_review.submission.plan}",
                body=body,
                event_key=f"overdue-chair:{stage_review.pk}",
            )
            StageReview.objects.filter(pk=stage_review.pk).update(chair_reminded_at=now)
    return sent
