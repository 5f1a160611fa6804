"""Writes for report exports, and the figures computed ahead of a visit. Every export is
audited."""

import io
import tempfile

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import District, User
from accounts.services import audit_record
from outbox.services import outbox_enqueue

from . import exports, selectors
from .models import ExportJob, ReportStamp

# --- Exports ------------------------------------------------------------------------------------


def export_job_create(
    *, actor: User, dataset: str, file_format: str, filters: dict[str, str], rows_total: int
) -> ExportJob:
    """Record a background export and queue it once the row is committed."""
    from . import tasks

    if dataset not in exports.DATASETS or file_format not in ("csv", "xlsx"):
        raise ValueError("Unknown export.")
    with transaction.atomic():
        job = ExportJob.objects.create(
            district=actor.district,
            requested_by=actor,
            dataset=dataset,
            file_format=file_format,
            filters=filters,
            rows_total=rows_total,
        )
        audit_record(
            actor=actor,
            action="export.requested",
            target=job,
            district=actor.district,
            detail={"dataset": dataset, "format": file_format, "filters": filters},
        )
        outbox_enqueue(task=tasks.export_run, args=[job.pk])
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the file of a job into default storage. Safe to run twice: a done job is kept."""
    from .forms import filters_from_query

    job = ExportJob.objects.select_related("district").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_done=0)
    dataset = exports.DATASETS[job.dataset]
    filters = filters_from_query(district=job.district, query=job.filters)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        if job.file_format == "csv":
            with tempfile.TemporaryFile("w+b") as out:
                text = io.TextIOWrapper(out, encoding="utf-8", newline="")
                rows = exports.write_csv(dataset, job.district, filters, text, progress)
                text.flush()
                text.detach()
                out.seek(0)
                key = _save(job, File(out))
        else:
            with tempfile.TemporaryFile("w+b") as out:
                rows = exports.write_xlsx(dataset, job.district, filters, out, progress)
                out.seek(0)
                key = _save(job, File(out))
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"The export failed ({exc.__class__.__name__}).",
            finished_at=timezone.now(),
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        rows_done=rows,
        rows_total=rows,
        storage_key=key,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _save(job: ExportJob, content: File) -> str:
    """Store the job's file under its one name. A run stopped after storing it (its worker
    killed) and run again replaces that file instead of leaving it beside a second one."""
    name = f"exports/district-{job.district_id}/{job.uuid}/{job.dataset}.{job.file_format}"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, content)


def report_figures_warm() -> int:
    """Compute and cache the unfiltered report figures of every district whose report stamp
    has moved since they were last computed here (or whose day has turned), so that the first
    admin to look after a change does not wait for the aggregates. Returns how many districts
    were warmed. Run every minute by Celery beat."""
    today = timezone.localdate()
    stamps = dict(ReportStamp.objects.values_list("district_id", "version"))
    done = cache.get_many([f"reports:warmed:{pk}" for pk in stamps])
    due = [
        pk for pk, version in stamps.items() if done.get(f"reports:warmed:{pk}") != (version, today)
    ]
    everyone = selectors.ReportFilters()
    for district in District.objects.filter(pk__in=due):
        selectors.funnel(district=district, filters=everyone, today=today)
        selectors.completions(district=district, filters=everyone)
        selectors.turnaround(district=district, filters=everyone)
        selectors.relicensure(district=district, filters=everyone, today=today)
        selectors.salary_totals(district=district, filters=everyone)
        selectors.program_headline(district=district, today=today)
        cache.set(
            f"reports:warmed:{district.pk}", (stamps[district.pk], today), selectors.CACHE_SECONDS
        )
    return len(due)
