"""A state admin's pages: every district's program figures side by side (and as CSV), a new
district, suspending one. They show figures and awards, never a district's plans or evidence."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from credentials import selectors as catalog_selectors
from credentials import services as catalog_services
from credentials.packages import PackageError, package_dumps
from microcreds.fragments import digest
from microcreds.pagination import paginate
from programs import selectors as program_selectors
from programs import services as program_services
from reports import charts, exports

from . import selectors, services
from .forms import DistrictCreateForm, DistrictTableForm, StateEntryForm, StateRenewalRuleForm
from .permissions import (
    get_district_for_state_admin,
    get_state_entry_for_state_admin,
    get_state_for_user,
)

CARD_CHART = 300
CHART_SECONDS = 24 * 3600
DISTRICTS_PAGE_SIZE = 50
AWARDS_PAGE_SIZE = 50


# The charts of the last tables this process drew, by the table (``state_figures`` hands the
# same list to every view while its digest holds, and a list is never changed once made).
_CHARTS: dict[int, tuple[list, list]] = {}


def _summary_charts(rows: list[selectors.DistrictFigures]) -> list[tuple[str, str]]:
    """(title, chart) of the whole state's figures, summarised: as many bars for 300 districts
    as for 12."""
    drawn = _CHARTS.get(id(rows))
    if drawn is not None and drawn[0] is rows:
        return drawn[1]
    if len(_CHARTS) >= selectors.TABLES_KEPT:
        _CHARTS.clear()
    charts_ = _draw_summary_charts(rows)
    # The rows are held with their charts, so their id names no other list meanwhile.
    _CHARTS[id(rows)] = (rows, charts_)
    return charts_


def _draw_summary_charts(rows: list[selectors.DistrictFigures]) -> list[tuple[str, str]]:
    summaries = [
        ("state-earned", "Earned in the cycle under way, most first", "", selectors.earned_leaders),
        (
            "state-pass-rate",
            "Districts by first-attempt pass rate",
            (" district", " districts"),
            selectors.pass_rate_bands,
        ),
        (
            "state-turnaround",
            "Districts by median turnaround, evidence to outcome",
            (" district", " districts"),
            selectors.turnaround_bands,
        ),
    ]
    drawn = [
        {
            "width": CARD_CHART,
            "chart_id": chart_id,
            "title": title,
            "items": summary(rows),
            "unit": unit,
        }
        for chart_id, title, unit, summary in summaries
    ]
    # A chart is a function of what it draws: filed under a digest of that, it is exact, and
    # drawn again only when a figure it shows (or a leading district's name) changes.
    keys = ["states:chart:" + digest(sorted(chart.items())) for chart in drawn]
    found = cache.get_many(keys)
    svgs = []
    for key, chart in zip(keys, drawn, strict=True):
        if key not in found:
            found[key] = str(charts.bar_chart(**chart))
            cache.set(key, found[key], CHART_SECONDS)
        svgs.append((chart["title"], mark_safe(found[key])))  # drawn by charts.bar_chart
    return svgs


PK_SLOT = 987654321


def _figures_writer():
    """A figure as a template variable writes it (``formats.localize``), for a page of them:
    ``localize`` costs 10–20 µs a number, most of a row's time, so the page's decimal separator
    is read once and an int or a float is written as ``localize`` would without grouping (no
    thousands separator is configured); anything else, or with grouping, goes to ``localize``.
    No figure reads "—"."""
    grouping = settings.USE_THOUSAND_SEPARATOR
    decimal = formats.get_format("DECIMAL_SEPARATOR")

    def write(value) -> str:
        if value is None:
            return "—"
        if not grouping and type(value) is int:
            return str(value)
        if not grouping and type(value) is float and "e" not in (text := repr(value)):
            return text.replace(".", decimal)
        return formats.localize(value)

    return write


# Where the person's CSRF token goes in a cached table body (a suspended district's form).
CSRF_SLOT = "\x00csrf\x00"


def _district_rows(request: HttpRequest, rows: list[selectors.DistrictFigures]) -> str:
    """The table's body for the shown rows: kept rendered in each process (fragments) under a
    digest of everything the rows show, with the person's CSRF token put in its place after."""
    key = "states:rows:" + digest((get_script_prefix(), list(rows)))
    body = caches["fragments"].get(key)
    if body is None:
        body = _render_district_rows(rows)
        caches["fragments"].set(key, body)
    # The token is letters and digits (Django's alphabet): nothing to escape.
    return mark_safe(body.replace(CSRF_SLOT, get_token(request)))  # rows escaped when built


def _render_district_rows(rows: list[selectors.DistrictFigures]) -> str:
    """The table's body built here rather than by the template engine: a page of 50 districts
    has 700 figures, and rendering each through a template variable cost more than everything
    else on the page. The suspend address is reversed once for the page, each district's pk
    put in the pattern's place."""
    figure = _figures_writer()
    suspend = reverse("states:district_suspend", args=[PK_SLOT])
    unsuspend = reverse("states:district_unsuspend", args=[PK_SLOT])
    slot = str(PK_SLOT)
    csrf = CSRF_SLOT
    lines = []
    for row in rows:
        district = row.district
        name = escape(district.name)
        if district.is_suspended:
            status = (
                f'<strong>Suspended</strong> <form method="post" action="'
                f'{unsuspend.replace(slot, str(district.pk), 1)}" class="inline-form">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
                f'<button type="submit" class="secondary">Unsuspend<span '
                f'class="visually-hidden"> {name}</span></button></form>'
            )
        else:
            status = (
                f'Active · <a href="{suspend.replace(slot, str(district.pk), 1)}">Suspend<span '
                f'class="visually-hidden"> {name}</span></a>'
            )
        counts = (row.educators, *row.stage_counts, row.open, row.earned_in_cycle)
        cells = "".join(f"<td>{figure(value)}</td>" for value in counts)
        rate = "—" if row.pass_rate is None else f"{figure(row.pass_rate)} %"
        lines.append(
            f'<tr id="district-{escape(district.slug)}"><th scope="row">{name}</th>'
            f"<td>{status}</td>{cells}<td>{escape(row.cycle_name) or '—'}</td><td>{rate}</td>"
            f"<td>{figure(row.turnaround)}</td><td>{figure(row.at_risk)}</td>"
            f"<td>{figure(row.not_met)}</td></tr>"
        )
    # Every text in it escaped above; the figures are digits, separators and "—".
    return "\n".join(lines)


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every district's figures: the table a page at a time (searched by name, in the order
    asked for), the charts summarising the whole state."""
    state = get_state_for_user(request.user)
    rows = selectors.state_figures(state=state)
    form = DistrictTableForm(request.GET or None)
    table = form.cleaned_data if form.is_valid() else {}
    q = table.get("q", "")
    shown = selectors.district_table(rows, q=q, sort=table.get("sort", ""))
    page = paginate(request, shown, DISTRICTS_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "states/dashboard.html",
        {
            "state": state,
            "rows": rows,
            "page": page,
            "table_rows": _district_rows(request, page.object_list),
            "form": form,
            "q": q,
            "query": query.urlencode(),
            "columns": selectors.COLUMNS,
            "charts": _summary_charts(rows) if rows else [],
        },
    )


@require_GET
@login_required
def figures_csv(request: HttpRequest) -> HttpResponse:
    state = get_state_for_user(request.user)
    rows = selectors.state_figures(state=state)
    response = StreamingHttpResponse(
        exports.rows_csv(selectors.COLUMNS, [row.row() for row in rows]),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{state.slug}-districts.csv"'
    return response


@require_GET
@login_required
def awards(request: HttpRequest) -> HttpResponse:
    """The educators' awards of every district of the state, newest first, a page at a time
    (each page from where the last ended: as fast for the thousandth page as for the first)."""
    state = get_state_for_user(request.user)
    page = selectors.awards_page(
        state=state, older_than=request.GET.get("older_than", ""), size=AWARDS_PAGE_SIZE
    )
    return render(
        request,
        "states/awards.html",
        {"state": state, "page": page, "first": "older_than" not in request.GET},
    )


@require_http_methods(["GET", "POST"])
@login_required
def district_new(request: HttpRequest) -> HttpResponse:
    state = get_state_for_user(request.user)
    form = DistrictCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            district = services.district_create(
                state=state, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{district.name} was created; its first admin, "
                f"{form.cleaned_data['first_admin_email']}, was sent an invitation.",
            )
            return redirect("states:dashboard")
    return render(request, "states/district_form.html", {"form": form, "state": state})


@require_http_methods(["GET", "POST"])
@login_required
def district_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what suspending does, and a button to do it; POST: suspend."""
    district = get_district_for_state_admin(request.user, pk)
    if request.method == "GET":
        return render(
            request,
            "states/district_suspend.html",
            {"district": district, "people": selectors.active_people_count(district=district)},
        )
    services.district_suspend(district=district, actor=request.user)
    messages.success(
        request, f"{district.name} is suspended: its people cannot sign in. Its records are kept."
    )
    return redirect("states:dashboard")


@require_POST
@login_required
def district_unsuspend(request: HttpRequest, pk: int) -> HttpResponse:
    district = get_district_for_state_admin(request.user, pk)
    services.district_unsuspend(district=district, actor=request.user)
    messages.success(request, f"{district.name} is active again: its people can sign in.")
    return redirect("states:dashboard")


# --- the state's catalog ----------------------------------------------------------------------


@require_GET
@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    state = get_state_for_user(request.user)
    entries = catalog_selectors.state_catalog_for_state(state=state)
    return render(request, "states/catalog.html", {"state": state, "entries": entries})


def _refuse(form: StateEntryForm, error: PackageError | catalog_services.CatalogError) -> None:
    for problem in getattr(error, "problems", [str(error)]):
        form.add_error(None, problem)


@require_http_methods(["GET", "POST"])
@login_required
def catalog_new(request: HttpRequest) -> HttpResponse:
    state = get_state_for_user(request.user)
    form = StateEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = catalog_services.state_entry_publish(
                state=state,
                actor=request.user,
                package=form.package(),
                note=form.cleaned_data["note"],
            )
        except (PackageError, catalog_services.CatalogError) as error:
            _refuse(form, error)
        else:
            messages.success(
                request, f"“{entry.title}” is published: every district of the state may adopt it."
            )
            return redirect("states:catalog_entry", pk=entry.pk)
    return render(request, "states/catalog_form.html", {"state": state, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def catalog_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """A state entry: its versions, and the form that publishes the next one."""
    entry = get_state_entry_for_state_admin(request.user, pk)
    versions = list(catalog_selectors.state_entry_versions(entry))
    form = StateEntryForm(request.POST or None, request.FILES or None, base=versions[0].package)
    if request.method == "POST" and form.is_valid():
        try:
            version = catalog_services.state_entry_version_publish(
                state_entry=entry,
                actor=request.user,
                package=form.package(),
                note=form.cleaned_data["note"],
            )
        except (PackageError, catalog_services.CatalogError) as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} is published; the districts that adopted it are "
                "offered it.",
            )
            return redirect("states:catalog_entry", pk=entry.pk)
    return render(
        request,
        "states/catalog_entry.html",
        {"state": entry.state, "entry": entry, "versions": versions, "form": form},
    )


@require_GET
@login_required
def catalog_version_export(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    entry = get_state_entry_for_state_admin(request.user, pk)
    version = get_object_or_404(entry.versions, number=number)
    response = HttpResponse(package_dumps(version.package), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(entry.title)[:60] or "entry"}-v{number}.json"'
    )
    return response


# --- the state's re-licensure rule ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def renewal_rule(request: HttpRequest) -> HttpResponse:
    state = get_state_for_user(request.user)
    form = StateRenewalRuleForm(
        request.POST or None, initial={"effective_from": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        program_services.state_renewal_rule_set(
            state=state, actor=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            "The state's renewal rule is saved; it applies to every educator of the state's "
            "districts from its date.",
        )
        return redirect("states:renewal_rule")
    return render(
        request,
        "states/renewal_rule.html",
        {
            "state": state,
            "form": form,
            "rules": program_selectors.state_renewal_rules(state_id=state.pk),
        },
    )
