"""The status table of a submission and the one function that moves it.

Every move, the educator's (submissions.services) and the panel's (reviews.services), goes
through ``submission_move``: it checks the table, locks the row, saves, writes the audit entry and
queues side effects (through the outbox) for after the commit. Callers check *who* may make the
move first.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record

from .models import Submission

S = Submission.Status

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PLAN_SUBMITTED, S.WITHDRAWN}),
    S.PLAN_SUBMITTED: frozenset({S.CHANGES_REQUESTED, S.PLAN_APPROVED, S.DECLINED, S.WITHDRAWN}),
    S.CHANGES_REQUESTED: frozenset({S.PLAN_SUBMITTED, S.WITHDRAWN}),
    S.PLAN_APPROVED: frozenset({S.IN_PROGRESS, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.SUBMITTED_FOR_REVIEW, S.WITHDRAWN}),
    S.SUBMITTED_FOR_REVIEW: frozenset({S.NOT_YET, S.EARNED}),
    S.NOT_YET: frozenset({S.RESUBMITTED, S.WITHDRAWN}),
    S.RESUBMITTED: frozenset({S.NOT_YET, S.EARNED}),
    S.EARNED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Timestamps a move stamps on the submission.
_STAMPS: dict[str, str] = {
    S.PLAN_SUBMITTED: "plan_submitted_at",
    S.PLAN_APPROVED: "plan_decided_at",
    S.CHANGES_REQUESTED: "plan_decided_at",
    S.DECLINED: "plan_decided_at",
    S.SUBMITTED_FOR_REVIEW: "submitted_for_review_at",
    S.RESUBMITTED: "submitted_for_review_at",
    S.EARNED: "decided_at",
    S.NOT_YET: "decided_at",
}


class TransitionError(Exception):
    """A move the status table or the rules refuse; its message is for the user."""


def status_label(status: str) -> str:
    return S(status).label


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
        permitted = ALLOWED_MOVES[current]
        if allowed_from is not None and current not in set(allowed_from):
            permitted = frozenset()
        if to_status not in permitted:
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
        if side_effects is not None:
            side_effects(submission)
    return submission
