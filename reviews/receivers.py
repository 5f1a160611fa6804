"""What this app does when an app below it announces or asks something (``submissions.signals``,
``artifacts.signals``); connected in ``apps.ReviewsConfig.ready``."""

from . import selectors, tasks


def review_requested(sender, *, submission, stage: str, **kwargs) -> None:
    """A plan or evidence was submitted and committed: the worker assigns the round's reviewers
    (``tasks.assign_reviewers``, safe to run twice)."""
    tasks.assign_reviewers.delay(submission.pk, stage)


def reviewer_access_asked(sender, *, user, submission, **kwargs) -> bool:
    return selectors.reviewer_can_see_submission(user=user, submission=submission)
