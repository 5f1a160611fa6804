"""Thin Celery wrappers: each takes primary keys and calls one service; all are safe to rerun."""

from celery import shared_task


@shared_task
def assign_reviewers(submission_id: int, stage: str) -> list[int]:
    """Open (or complete) the review round of ``stage`` ("plan" or "final") and assign reviewers.

    Called on commit after an educator submits a plan or a request for review. Idempotent: a
    second call for the same round adds nobody who is already assigned and no surplus reviewer.
    """
    from . import services

    return services.reviewers_assign(submission_id=submission_id, stage=stage)


@shared_task
def send_overdue_reminders() -> int:
    """Celery beat: remind reviewers of overdue reviews, and later their chair."""
    from . import services

    return services.overdue_reminders_send()
