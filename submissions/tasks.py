"""Thin Celery wrappers around the artifact services: they take primary keys, rerun safely."""

from celery import shared_task

from .artifact_checks import ClamdError


@shared_task(
    autoretry_for=(ClamdError, ConnectionError),
    retry_backoff=True,
    max_retries=6,
    acks_late=True,
)
def check_artifact(artifact_id: int) -> str:
    """Decide an uploaded file in quarantine (see ``artifact_services.artifact_check``)."""
    from . import artifact_services

    artifact = artifact_services.artifact_check(artifact_id=artifact_id)
    return artifact.status if artifact is not None else "skipped"


@shared_task
def apply_artifact_retention() -> dict[str, int]:
    """Celery beat, daily: drop abandoned uploads; delete files past the district's retention."""
    from . import artifact_services

    return {
        "expired_uploads": artifact_services.artifacts_purge_expired_uploads(),
        "deleted_files": artifact_services.artifacts_apply_retention(),
    }
