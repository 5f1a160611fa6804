"""A state admin's pages: every district's program figures side by side (and as CSV), a new
district, suspending one. They show figures and awards, never a district's plans or evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from credentials import selectors as catalog_selectors
from credentials import services as catalog_services
from credentials.packages import PackageError, package_dumps
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
DISTRICTS_PAGE_SIZE = 50
AWARDS_PAGE_SIZE = 50


def _summary_charts(rows: list[selectors.DistrictFigures]) -> list[tuple[str, str]]:
    """(title, chart) of the whole state's figures, summarised: as many bars for 300 districts
    as for 12."""
    summaries = [
        ("state-earned", "Earned in the cycle under way, most first", "", selectors.earned_leaders),
        (
            "state-pass-rate",
            "Districts by first-attempt pass rate",
            " districts",
            selectors.pass_rate_bands,
        ),
        (
            "state-turnaround",
            "Districts by median turnaround, evidence to outcome",
            " districts",
            selectors.turnaround_bands,
        ),
    ]
    return [
        (
            title,
            charts.bar_chart(
                width=CARD_CHART, chart_id=chart_id, title=title, items=summary(rows), unit=unit
            ),
        )
        for chart_id, title, unit, summary in summaries
    ]


PK_SLOT = 987654321


def _with_suspend_urls(rows: list[selectors.DistrictFigures]) -> list[tuple]:
    """The shown rows, each with its district's suspend address: reversed once for the page,
    the district's pk put in the pattern's place (a ``reverse`` per row costs a quarter of the
    row's rendering)."""
    pattern = reverse("states:district_suspend", args=[PK_SLOT])
    return [(row, pattern.replace(str(PK_SLOT), str(row.district.pk), 1)) for row in rows]


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
            "shown": _with_suspend_urls(page.object_list),
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
