"""What this app does when an app below it announces or asks something (``submissions.signals``,
``artifacts.signals``, ``badges.signals``); connected in ``apps.ReviewsConfig.ready``."""

from outbox.services import outbox_enqueue
from submissions.models import Submission
from submissions.signals import PageSection

from . import selectors, services, tasks


def review_requested(sender, *, submission, stage: str, **kwargs) -> None:
    """A plan or evidence was submitted: the worker assigns the round's reviewers
    (``tasks.assign_reviewers``, safe to run twice), queued through the outbox in the move's
    own transaction, so it is sent once the move commits and never lost."""
    outbox_enqueue(task=tasks.assign_reviewers, args=[submission.pk, stage])


def submission_moved(sender, *, submission, to_status: str, actor, **kwargs) -> None:
    """A plan closed by its educator's move to another district leaves no review waiting."""
    if to_status == Submission.Status.LEFT_DISTRICT:
        services.rounds_cancel_on_leaving(submission=submission, actor=actor)


def reviewer_access_asked(sender, *, user, submission, **kwargs) -> bool:
    return selectors.reviewer_can_see_submission(user=user, submission=submission)


def plan_page_shown(sender, *, submission, **kwargs) -> PageSection | None:
    """The plan page shows the panel's latest decision, its reason and comments, and what to do
    next (after a request for changes, a decline, a "not yet", or with an approval's
    conditions)."""
    feedback = selectors.plan_page_feedback(submission)
    if feedback is None:
        return None
    return PageSection(
        "reviews/_plan_feedback.html", {"feedback": feedback, "submission": submission}
    )


def history_asked(sender, *, submission, **kwargs) -> list:
    """The plan's history lists the panel's decisions with their reasons and comments."""
    return selectors.decisions_history(submission)


def rubric_levels_asked(sender, *, submission, **kwargs) -> dict:
    """The badge carries the level the panel found on each rubric criterion."""
    return selectors.panel_levels(submission)
