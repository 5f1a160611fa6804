"""What this app does when submissions, below it, announces something (``submissions.signals``);
connected in ``apps.ArtifactsConfig.ready``."""

from . import selectors, services


def attempt_opened(sender, *, attempt, **kwargs) -> None:
    """An attempt was opened (submitted for review, resubmitted): the evidence accepted so far
    is frozen with it, inside the same transaction."""
    services.artifacts_attach_to_attempt(attempt=attempt)


def results_checked(sender, *, submission, **kwargs) -> dict[str, list[str]]:
    return selectors.evidence_missing(submission)


def revisions_checked(sender, *, submission, since, **kwargs) -> list[str]:
    """Evidence added since the panel's decision is a change the next round reads."""
    return ["Evidence"] if selectors.evidence_changed_since(submission, since) else []
