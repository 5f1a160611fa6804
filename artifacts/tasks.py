"""Thin Celery wrappers around the artifact services: they take primary keys, rerun safely.

They are registered under the names they had in ``submissions.tasks``, before evidence had an
app of its own: checks already queued in the broker, and Celery beat's schedule
(``CELERY_BEAT_SCHEDULE`` in the settings), still find them.
"""

from celery import shared_task

from .checks import CheckUnavailable


@shared_task(
    name="submissions.tasks.check_artifact",
    bind=True,
    autoretry_for=(CheckUnavailable,),
    # Waits of up to 10 s, 20 s, ... 320 s (random below each): about ten minutes at most to
    # ride out a scanner or storage restart before the educator is asked to upload again.
    retry_backoff=10,
    max_retries=6,
    acks_late=True,
)
def check_artifact(self, artifact_id: int) -> str:
    """Decide an uploaded file in quarantine (see ``services.artifact_check``).

    While clamd or storage cannot be reached the check is retried; after the last retry the
    file is refused with a reason to try again, so it never stays "checking".
    """
    from . import services

    try:
        artifact = services.artifact_check(artifact_id=artifact_id)
    except CheckUnavailable as exc:
        if self.request.retries < self.max_retries:
            raise  # autoretry_for schedules the next try
        artifact = services.artifact_check_give_up(artifact_id=artifact_id, cause=exc)
    return artifact.status if artifact is not None else "skipped"


@shared_task(name="submissions.tasks.apply_artifact_retention")
def apply_artifact_retention() -> dict[str, int]:
    """Celery beat, daily: drop abandoned uploads; delete files past the district's retention."""
    from . import services

    return {
        "expired_uploads": services.artifacts_purge_expired_uploads(),
        "deleted_files": services.artifacts_apply_retention(),
    }
