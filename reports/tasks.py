from celery import shared_task

from . import services


@shared_task(acks_late=True)
def export_run(job_id: int) -> int:
    return services.export_job_run(job_id=job_id).rows_done


@shared_task
def report_figures_warm() -> int:
    return services.report_figures_warm()
