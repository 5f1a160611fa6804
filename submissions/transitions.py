"""The status table of a submission and the one function that moves it.

Every move, the educator's (submissions.services) and the panel's (reviews.services), goes
through ``submission_move``: it checks the table, locks the row, saves, writes the audit entry and
queues side effects (through the outbox) for after the commit. Callers check *who* may make the
move first.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record

from .models import Submission
from .signals import submission_moved

Status = Submission.Status

# Every plan not finished when its educator moves to another district is closed by the move
# (``services.submission_close_on_move``), whatever it was waiting for: LEFT_DISTRICT.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PLAN_SUBMITTED, Status.WITHDRAWN, Status.LEFT_DISTRICT}),
    Status.PLAN_SUBMITTED: frozenset(
        {
            Status.CHANGES_REQUESTED,
            Status.PLAN_APPROVED,
            Status.DECLINED,
            Status.WITHDRAWN,
            Status.LEFT_DISTRICT,
        }
    ),
    Status.CHANGES_REQUESTED: frozenset(
        {Status.PLAN_SUBMITTED, Status.WITHDRAWN, Status.LEFT_DISTRICT}
    ),
    Status.PLAN_APPROVED: frozenset({Status.IN_PROGRESS, Status.WITHDRAWN, Status.LEFT_DISTRICT}),
    Status.IN_PROGRESS: frozenset(
        {Status.SUBMITTED_FOR_REVIEW, Status.WITHDRAWN, Status.LEFT_DISTRICT}
    ),
    Status.SUBMITTED_FOR_REVIEW: frozenset({Status.NOT_YET, Status.EARNED, Status.LEFT_DISTRICT}),
    Status.NOT_YET: frozenset({Status.RESUBMITTED, Status.WITHDRAWN, Status.LEFT_DISTRICT}),
    Status.RESUBMITTED: frozenset({Status.NOT_YET, Status.EARNED, Status.LEFT_DISTRICT}),
    Status.EARNED: frozenset(),
    Status.DECLINED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.LEFT_DISTRICT: frozenset(),
}
# Statuses nothing moves on from: the plan is finished, one way or another.
FINAL_STATUSES = frozenset(status for status, moves in ALLOWED_MOVES.items() if not moves)

# Timestamps a move stamps on the submission.
_STAMPS: dict[str, str] = {
    Status.PLAN_SUBMITTED: "plan_submitted_at",
    Status.PLAN_APPROVED: "plan_decided_at",
    Status.CHANGES_REQUESTED: "plan_decided_at",
    Status.DECLINED: "plan_decided_at",
    Status.SUBMITTED_FOR_REVIEW: "submitted_for_review_at",
    Status.RESUBMITTED: "submitted_for_review_at",
    Status.EARNED: "decided_at",
    Status.NOT_YET: "decided_at",
}


# The moves an educator makes from their plan page: the status each leads to, the words of its
# button and of the message after it. Where each may start is the table's to say (above): a
# button is offered exactly where the table allows its status.
@dataclass(frozen=True)
class EducatorMove:
    to_status: str
    button: str
    done: str
    # A different wording of the button from some statuses (a revised plan goes in again).
    button_from: dict[str, str] = field(default_factory=dict)
    # Asked twice before it is made (it cannot be undone).
    confirm: bool = False
    # It sends the plan back to the panel after a decision: when nothing changed since, the
    # educator is asked to confirm first (``selectors.unchanged_since_decision``).
    asks_if_unchanged: bool = False

    def button_for(self, status: str) -> str:
        return self.button_from.get(status, self.button)


EDUCATOR_MOVES: dict[str, EducatorMove] = {
    "submit_plan": EducatorMove(
        Status.PLAN_SUBMITTED,
        "Submit the plan for pre-approval",
        "Your plan was submitted for pre-approval.",
        button_from={Status.CHANGES_REQUESTED: "Submit the revised plan"},
        asks_if_unchanged=True,
    ),
    "start_work": EducatorMove(
        Status.IN_PROGRESS, "Start the work", "You have started the work on your plan."
    ),
    "submit_for_review": EducatorMove(
        Status.SUBMITTED_FOR_REVIEW, "Submit for review", "Your evidence was submitted for review."
    ),
    "resubmit": EducatorMove(
        Status.RESUBMITTED,
        "Resubmit for review",
        "Your evidence was resubmitted for review.",
        asks_if_unchanged=True,
    ),
    # Offered apart from the others: it asks for confirmation.
    "withdraw": EducatorMove(
        Status.WITHDRAWN, "Withdraw from this plan", "You withdrew from this plan.", confirm=True
    ),
}


def may_move(status: str, to_status: str) -> bool:
    return to_status in ALLOWED_MOVES[status]


class TransitionError(Exception):
    """A move the status table or the rules refuse; its message is for the user."""


def status_label(status: str) -> str:
    return Status(status).label


def submission_move(
    *,
    submission_id: int,
    to_status: str,
    actor: User | None,
    action: str,
    allowed_from: Iterable[str] | None = None,
    detail: dict | None = None,
    before_save: Callable[[Submission], Iterable[str]] | None = None,
    side_effects: Callable[[Submission], None] | None = None,
) -> Submission:
    """Move a submission to ``to_status`` under a row lock; raise TransitionError if refused.

    ``allowed_from`` narrows the table for this action (e.g. resubmission only from not yet).
    ``before_save`` may change more fields on the locked row and returns their names.
    ``side_effects`` is called with the saved row inside the transaction, to queue what goes
    out after the commit through the outbox (``outbox.services.outbox_enqueue``): written with
    the move, sent once it has committed, never lost while the broker is down.
    """
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        current = submission.status
        permitted = may_move(current, to_status)
        if allowed_from is not None and current not in set(allowed_from):
            permitted = False
        if not permitted:
            raise TransitionError(
                f"This plan is “{status_label(current)}”; it cannot be moved to "
                f"“{status_label(to_status)}” now."
            )
        fields = {"status", "status_changed_at"}
        if before_save is not None:
            fields |= set(before_save(submission))
        now = timezone.now()
        submission.status = to_status
        submission.status_changed_at = now
        if to_status in _STAMPS:
            setattr(submission, _STAMPS[to_status], now)
            fields.add(_STAMPS[to_status])
        submission.save(update_fields=sorted(fields))
        audit_record(
            actor=actor,
            action=action,
            target=submission,
            district=submission.district,
            from_status=current,
            to_status=to_status,
            detail=detail,
        )
        submission_moved.send(
            sender=Submission,
            submission=submission,
            from_status=current,
            to_status=to_status,
            actor=actor,
        )
        if side_effects is not None:
            side_effects(submission)
    return submission
