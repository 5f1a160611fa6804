from celery import shared_task


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def issue_award(submission_id: int) -> int:
    """Issue the award of an earned submission; safe to run twice (returns the award's id)."""
    from . import services

    return services.award_issue_for_submission(submission_id=submission_id).pk
