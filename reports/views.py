"""District admins' reports and exports. Thin: parse, check, call, render."""

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import district_admin_required
from microcreds.downloads import content_disposition
from microcreds.fragments import digest
from microcreds.pagination import paginate
from programs.selectors import OUTSIDE_CYCLES_PARTS
from reviews.permissions import require_admin_or_chair

from . import charts, exports, selectors, services
from .forms import ReportFilterForm
from .permissions import get_export_job_for_user

PAGE_SIZE = 50


def export_sync_rows() -> int:
    """Above this many rows, XLSX (and CSV on request) is built by a worker."""
    return getattr(settings, "REPORTS_EXPORT_SYNC_ROWS", 5000)


def _filters(
    request: HttpRequest,
    *,
    stamp: int | None,
    across_state: bool = False,
    outside_cycles: bool = True,
):
    """The filter form and the filters asked for; its choices filed under the page's ``stamp``
    (``selectors.report_stamp``, the state's with ``across_state``); ``outside_cycles`` as
    ``ReportFilterForm``."""
    district = request.user.district
    choices = selectors.filter_choices(district=district, stamp=stamp, across_state=across_state)
    form = ReportFilterForm(request.GET, choices=choices, outside_cycles=outside_cycles)
    return form, form.report_filters()


def _outside_cycles(form, filters, *, counts) -> dict:
    """With a cycle chosen, what the report leaves out of every cycle: ``counts(filters)`` of
    the same filters outside every cycle by where they fall (``OUTSIDE_CYCLES_PARTS``), in
    total and each part with its words, and the query of the page showing them."""
    if filters.cycle is None:
        return {}
    outside = filters.outside_every_cycle(list(form.cycles.values()))
    by_part = counts(outside)
    return {
        "count": sum(by_part.values()),
        "parts": [
            {"count": by_part[part], "when": words}
            for part, words in OUTSIDE_CYCLES_PARTS.items()
            if by_part.get(part)
        ],
        "query": _query_string(outside.as_query()),
    }


def _context(request: HttpRequest, form, filters, *, cycle_means: str, **extra) -> dict:
    """``cycle_means`` says on the page which dates the cycle filter holds to the cycle."""
    query = filters.as_query()
    return {
        "district": request.user.district,
        "filter_form": form,
        "chosen": form.chosen_labels(),
        "cycle_means": cycle_means,
        "query": _query_string(query),
        "active_filters": bool(query),
        "filters_dict": query,
        **extra,
    }


def _query_string(query: dict[str, str]) -> str:
    """The filters asked for, as the page's links carry them."""
    return "&".join(f"{k}={v}" for k, v in query.items())


@require_GET
@district_admin_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {
            "district": request.user.district,
            "jobs": [
                (job, exports.export_label(dataset=job.dataset, file_format=job.file_format))
                for job in selectors.recent_export_jobs(user=request.user)
            ],
        },
    )


@require_GET
@district_admin_required
def funnel(request: HttpRequest) -> HttpResponse:
    stamp = selectors.report_stamp(district=request.user.district)
    form, filters = _filters(request, stamp=stamp)
    data = selectors.funnel(district=request.user.district, filters=filters, stamp=stamp)
    chart = charts.bar_chart(
        chart_id="funnel-chart",
        title="Plans at each stage of the program",
        items=[(s["label"], s["count"]) for s in data["stages"]],
    )
    stall_chart = charts.bar_chart(
        chart_id="stall-chart",
        title=(f"Open plans by status, and those unchanged for {data['stall_days']} days or more"),
        items=[(s["label"], (s["count"], s["stalled"])) for s in data["stalls"]],
        series=("Open", "Stalled"),
    )
    return render(
        request,
        "reports/funnel.html",
        _context(
            request,
            form,
            filters,
            cycle_means="plans started during the cycle",
            data=data,
            chart=chart,
            stall_chart=stall_chart,
        ),
    )


@require_GET
@district_admin_required
def completions(request: HttpRequest) -> HttpResponse:
    stamp = selectors.report_stamp(district=request.user.district)
    form, filters = _filters(request, stamp=stamp)
    data = selectors.completions(district=request.user.district, filters=filters, stamp=stamp)
    groups = [
        ("building", "By building", "completions_building", data["by_building"]),
        (
            "microcredential",
            "By micro-credential",
            "completions_microcredential",
            data["by_microcredential"],
        ),
        ("stack", "By stack", "completions_stack", data["by_stack"]),
        ("goal", "By district goal", "completions_goal", data["by_goal"]),
    ]
    query = filters.as_query()
    sections = [
        {
            "key": key,
            "rows": rows,
            "html": _completions_section(
                key=key,
                title=title,
                dataset=dataset,
                rows=rows,
                query=query,
                active_filters=bool(query),
            ),
        }
        for key, title, dataset, rows in groups
    ]
    return render(
        request,
        "reports/completions.html",
        _context(
            request,
            form,
            filters,
            cycle_means="micro-credentials earned, and attempts decided, during the cycle",
            outside_cycles=_outside_cycles(
                form,
                filters,
                counts=lambda outside: selectors.earned_outside_cycles(
                    district=request.user.district, filters=outside, stamp=stamp
                ),
            ),
            sections=sections,
            pass_rates=data["pass_rates"],
        ),
    )


@require_GET
@district_admin_required
def turnaround(request: HttpRequest) -> HttpResponse:
    stamp = selectors.report_stamp(district=request.user.district)
    form, filters = _filters(request, stamp=stamp)
    data = selectors.turnaround(district=request.user.district, filters=filters, stamp=stamp)
    chart = charts.bar_chart(
        chart_id="turnaround-chart",
        title="Turnaround in days, median and 90th percentile",
        items=[
            (label, (data[key]["median"], data[key]["p90"]))
            for key, label in (
                ("plan", "Plan submission to decision"),
                ("review", "Evidence submission to outcome"),
            )
        ],
        series=("Median", "90th percentile"),
        unit=" d",
    )
    return render(
        request,
        "reports/turnaround.html",
        _context(
            request,
            form,
            filters,
            cycle_means="plans and evidence decided during the cycle",
            data=data,
            chart=chart,
        ),
    )


@require_GET
@district_admin_required
def relicensure(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    # A person's re-licensure counts what they earned in any district of the state.
    stamp = selectors.report_stamp(district=district, across_state=True)
    # A cycle picks the renewal window holding it; windows run back to back, the days between
    # cycles included (``programs.selectors.renewal_windows``): no award after the first window
    # begins is left out of every window, and "outside any cycle" would mean nothing here.
    form, filters = _filters(request, stamp=stamp, across_state=True, outside_cycles=False)
    data = selectors.relicensure_counts(district=district, filters=filters, stamp=stamp)
    counts = {c["key"]: c["count"] for c in data["counts"]}
    renewal = request.GET.get("renewal")
    renewal = renewal if renewal in counts else None
    ids = selectors.relicensure_page_ids(
        district=district, filters=filters, report=data, renewal=renewal
    )
    # The count is known from the counts: no second pass over everyone.
    page = paginate(request, ids, PAGE_SIZE, count=counts[renewal] if renewal else data["total"])
    rows = selectors.relicensure_rows(
        district=district, filters=filters, report=data, ids=list(page.object_list)
    )
    # The values the rows show, in the order of the table's columns (the pk for the link to
    # the educator's transcript).
    shown = list(rows)
    query = filters.as_query()
    chart = charts.bar_chart(
        chart_id="renewal-chart",
        title="Educators by re-licensure status",
        items=[(c["label"], c["count"]) for c in data["counts"]],
    )
    return render(
        request,
        "reports/relicensure.html",
        _context(
            request,
            form,
            filters,
            cycle_means="the renewal window holding the cycle, instead of the current one",
            data=data,
            page=page,
            rows=rows,
            shown_rows=shown,
            rows_key=_shown_key(shown),
            renewal=renewal,
            page_query="&".join(
                f"{k}={v}" for k, v in {**query, "renewal": renewal or ""}.items() if v
            ),
            chart=chart if data["window"] else None,
            sync_limit=export_sync_rows(),
        ),
    )


@require_GET
@district_admin_required
def salary(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    across_state = selectors.salary_across_state(district=district)
    stamp = selectors.report_stamp(district=district, across_state=across_state)
    form, filters = _filters(request, stamp=stamp, across_state=across_state)
    totals = selectors.salary_totals(district=district, filters=filters, stamp=stamp)
    # Page over the ids alone, then read the page's 50 rows with their joins and credit.
    ids = selectors.salary_ledger_pages(district=district, filters=filters, stamp=stamp)
    # The count is known from the totals: no second pass.
    page = paginate(request, ids, PAGE_SIZE, count=totals["awards"])
    rows = selectors.salary_ledger_page(district=district, ids=list(page.object_list), stamp=stamp)
    return render(
        request,
        "reports/salary.html",
        _context(
            request,
            form,
            filters,
            cycle_means="micro-credentials earned during the cycle",
            outside_cycles=_outside_cycles(
                form,
                filters,
                counts=lambda outside: selectors.salary_outside_cycles(
                    district=district, filters=outside, stamp=stamp
                ),
            ),
            page=page,
            rows=rows,
            rows_key=_shown_key(rows),
            totals=totals,
            sync_limit=export_sync_rows(),
        ),
    )


def _completions_section(
    *, key: str, title: str, dataset: str, rows: list[dict], query: dict, active_filters: bool
) -> SafeString:
    """One section of the completions page (its chart, table and export links): kept rendered
    in each process (``fragments``) under a digest of everything it shows, so a changed count
    or name is a new key and shows at once. Its loop over the rows, and its chart, were most
    of the page's time."""
    shown = (get_script_prefix(), key, title, dataset, rows, query, active_filters)
    cache_key = "completions-section:" + digest(shown)
    html = caches["fragments"].get(cache_key)
    if html is None:
        html = render_to_string(
            "reports/_completions_section.html",
            {
                "section": {
                    "key": key,
                    "title": title,
                    "dataset": dataset,
                    "rows": rows,
                    "chart": charts.bar_chart(
                        chart_id=f"completions-{key}",
                        title=f"Micro-credentials earned, {title.lower()}",
                        items=[(r["name"], r["count"]) for r in rows],
                    ),
                },
                "query": _query_string(query),
                "active_filters": active_filters,
            },
        )
        caches["fragments"].set(cache_key, html)
    return mark_safe(html)  # rendered by the template engine, escaped there


def _shown_key(rows: list[tuple]) -> str:
    """A hash of the values a table's rows show (rows of plain values, nothing else for the
    template to read): the rows' rendering is cached under it (``fragments``), so any changed
    value is a new key and shows at once."""
    return digest(rows)


# --- Exports ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_admin_required
def export(request: HttpRequest, dataset: str, file_format: str) -> HttpResponse:
    spec = exports.DATASETS.get(dataset)
    if spec is None or file_format not in ("csv", "xlsx"):
        raise Http404("No such export.")
    district = request.user.district
    source = request.POST if request.method == "POST" else request.GET
    form = ReportFilterForm(source, choices=selectors.filter_choices(district=district))
    filters = form.report_filters()
    if request.method == "POST":
        job = services.export_job_create(
            actor=request.user,
            dataset=dataset,
            file_format=file_format,
            filters=filters.as_query(),
            rows_total=spec.count(district, filters),
        )
        return redirect("reports:export_job", job_uuid=job.uuid)
    # A large spreadsheet is built by a worker (CSV streams, whatever its size).
    rows = spec.count(district, filters) if file_format == "xlsx" else 0
    if rows > export_sync_rows():
        return render(
            request,
            "reports/export_confirm.html",
            {
                "spec": spec,
                "file_format": file_format,
                "rows": rows,
                "filters": filters.as_query(),
                "action": reverse("reports:export", args=[dataset, file_format]),
            },
        )
    return _export_now(request, dataset=dataset, file_format=file_format, form=form)


def _export_now(request: HttpRequest, *, dataset: str, file_format: str, form) -> HttpResponse:
    """The export's file, built in this request: CSV streamed, XLSX written to a temporary
    file; named for the district, the report, the filters asked (``form``) and the day."""
    district = request.user.district
    spec = exports.DATASETS[dataset]
    filters = form.report_filters()
    filename = exports.export_filename(
        district=district,
        dataset=dataset,
        file_format=file_format,
        labels=form.chosen_labels().values(),
        day=timezone.localdate(),
    )
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(spec, district, filters), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition(filename)
        return response
    out = tempfile.TemporaryFile("w+b")
    exports.write_xlsx(spec, district, filters, out)
    out.seek(0)
    response = FileResponse(
        out, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- The panel report: for district admins and panel chairs ---------------------------------


def _panel_filters(request: HttpRequest):
    """The filter form of the panel report: its choices as every report's (the district's
    report stamp), the reviews a cycle holds being those assigned during it."""
    stamp = selectors.report_stamp(district=request.user.district)
    return _filters(request, stamp=stamp)


@require_GET
@login_required
def panel(request: HttpRequest) -> HttpResponse:
    require_admin_or_chair(request.user)
    district = request.user.district
    form, filters = _panel_filters(request)
    return render(
        request,
        "reports/panel.html",
        _context(
            request,
            form,
            filters,
            cycle_means="the reviews assigned during the cycle",
            workload=selectors.panel_workload(district=district, filters=filters),
            needing_reviewer=selectors.panel_needing_reviewer(district=district, filters=filters),
            agreement=selectors.panel_agreement(district=district, filters=filters),
            turnaround_days=district.review_turnaround_days,
            is_admin=request.user.has_role(Role.DISTRICT_ADMIN),
        ),
    )


@require_GET
@login_required
def panel_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The panel report's reviewer workload as a file; a handful of rows (one a reviewer),
    built at once."""
    require_admin_or_chair(request.user)
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such export.")
    form, _ = _panel_filters(request)
    return _export_now(request, dataset="reviewer_workload", file_format=file_format, form=form)


def _job_filename(job) -> str:
    """The name of a background export's file: its filters as they were asked, its day."""
    form = ReportFilterForm(job.filters, choices=selectors.filter_choices(district=job.district))
    return exports.export_filename(
        district=job.district,
        dataset=job.dataset,
        file_format=job.file_format,
        labels=form.chosen_labels().values(),
        day=timezone.localdate(job.created_at),
    )


@require_GET
@district_admin_required
def export_job(request: HttpRequest, job_uuid) -> HttpResponse:
    job = get_export_job_for_user(request.user, job_uuid)
    template = "reports/_export_progress.html" if request.htmx else "reports/export_job.html"
    return render(
        request,
        template,
        {
            "job": job,
            "title": exports.export_label(dataset=job.dataset, file_format=job.file_format),
            "filename": _job_filename(job) if job.is_ready else "",
        },
    )


@require_GET
@district_admin_required
def export_download(request: HttpRequest, job_uuid) -> HttpResponse:
    job = get_export_job_for_user(request.user, job_uuid)
    if not job.is_ready:
        raise Http404("This export is not ready.")
    disposition = content_disposition(_job_filename(job))
    if settings.USE_S3:
        # A short-lived signed URL with the file name HR expects.
        url = default_storage.url(
            job.storage_key, parameters={"ResponseContentDisposition": disposition}
        )
        return HttpResponseRedirect(url)
    response = FileResponse(default_storage.open(job.storage_key, "rb"))
    response["Content-Disposition"] = disposition
    return response
