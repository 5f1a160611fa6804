import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def issue_award(submission_id: int) -> int | None:
    """Issue the award of an earned submission; safe to run twice (returns the award's id)."""
    from submissions.models import Submission

    from . import services

    try:
        return services.award_issue_for_submission(submission_id=submission_id).pk
    except (services.AwardNotIssuable, Submission.DoesNotExist) as reason:
        # Nothing a retry could fix: the submission is gone or not earned.
        logger.warning("No award for submission %s: %s", submission_id, reason)
        return None


@shared_task
def recover_stuck_issuance() -> int:
    """Beat: hand stuck issuance back to the worker (see award_issuance_recover)."""
    from . import services

    return len(services.award_issuance_recover())


@shared_task
def send_renewal_reminders() -> int:
    """Beat: remind educators of awards that expire in 60, 30 and 7 days, once each (see
    renewal_reminders_send)."""
    from . import services

    return services.renewal_reminders_send()
