"""Writes for report exports, the figures computed ahead of a visit, and the salary credit a
district agrees to pay for awards earned elsewhere in its state. Every change is audited."""

import datetime as dt
import io
import tempfile

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import District, User
from accounts.services import audit_record
from badges.models import Award
from badges.selectors import awarded_in_state_q, with_counting_award
from outbox.services import outbox_enqueue
from submissions.models import Submission

from . import exports, selectors
from .models import ExportJob, ReportStamp, SalaryAcceptance

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


# --- Salary acceptances -------------------------------------------------------------------------

# The audit actions of acceptances; the HR API's ledger reads them as the accepting district's
# credit and, when the award is revoked, its reversal (``api.selectors.LEDGER_ACTIONS``).
SALARY_ACCEPTED = "salary.accepted"
SALARY_ACCEPTED_REVOKED = "salary.accepted_award_revoked"


def _salary_accept(
    *,
    district: District,
    submissions: QuerySet[Submission],
    reason: str,
    actor: User | None,
    at: dt.datetime,
) -> list[SalaryAcceptance]:
    """Record that ``district`` pays the salary credit of the awards of ``submissions`` that
    count at ``at`` and were earned in another district of its state, except those it accepted
    already; each audited, with the award as its target. Call inside the transaction of the
    change: the district's row is locked, so two changes at once accept an award once."""
    if district.state_id is None:
        return []
    list(District.objects.select_for_update().filter(pk=district.pk).values_list("pk"))
    earned_elsewhere = (
        with_counting_award(
            submissions.filter(awarded_in_state_q(district=district)).exclude(
                district_id=district.pk
            ),
            at=at,
        )
        .exclude(salary_acceptances__district_id=district.pk)
        .select_related("award")
        .order_by("decided_at", "pk")
    )
    accepted = []
    for submission in earned_elsewhere:
        acceptance = SalaryAcceptance.objects.create(
            district=district, submission=submission, reason=reason, accepted_at=at
        )
        audit_record(
            actor=actor,
            action=SALARY_ACCEPTED,
            target=submission.award,
            district=district,
            detail={"reason": reason, "acceptance": acceptance.pk},
        )
        accepted.append(acceptance)
    return accepted


def salary_accept_moved_in(
    *, person: User, district: District, at: dt.datetime
) -> list[SalaryAcceptance]:
    """``person`` moved into ``district``: if it accepts state awards for its salary rule, it
    agrees to pay the awards they hold from elsewhere in the state."""
    if not district.accept_state_awards_for_salary:
        return []
    return _salary_accept(
        district=district,
        submissions=Submission.objects.filter(educator_id=person.pk),
        reason=SalaryAcceptance.Reason.MOVED_IN,
        actor=person,
        at=at,
    )


def salary_accept_current_people(*, district: District, actor: User) -> list[SalaryAcceptance]:
    """``district`` started accepting state awards: it agrees to pay the awards its current
    people hold from elsewhere in the state."""
    return _salary_accept(
        district=district,
        submissions=Submission.objects.filter(educator__district_id=district.pk),
        reason=SalaryAcceptance.Reason.SETTING_ON,
        actor=actor,
        at=timezone.now(),
    )


def salary_accept_issued(*, award: Award) -> list[SalaryAcceptance]:
    """``award`` was issued by another district of the state than its educator's, which
    accepts state awards: that district agrees to pay it."""
    home = District.objects.filter(people__pk=award.educator_id).first()
    if home is None or home.pk == award.district_id or not home.accept_state_awards_for_salary:
        return []
    return _salary_accept(
        district=home,
        submissions=Submission.objects.filter(pk=award.submission_id),
        reason=SalaryAcceptance.Reason.ISSUED,
        actor=None,
        at=timezone.now(),
    )


def salary_acceptances_award_revoked(*, award: Award) -> None:
    """``award`` was revoked: each district that accepted it records the reversal (its own
    ledger drops the award already, since the award no longer counts)."""
    for acceptance in SalaryAcceptance.objects.filter(submission_id=award.submission_id):
        audit_record(
            actor=award.revoked_by,
            action=SALARY_ACCEPTED_REVOKED,
            target=award,
            district=acceptance.district,
            detail={"reason": award.revocation_reason, "acceptance": acceptance.pk},
        )
