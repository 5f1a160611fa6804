from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import district_admin_required, role_required
from microcreds.fragments import digest

from . import selectors, services
from .forms import (
    CatalogFilterForm,
    EvidenceTypeForm,
    MicroCredentialForm,
    PackageUploadForm,
    RubricCriterionForm,
    RubricForm,
    StackForm,
    level_formset,
)
from .models import MicroCredential, RubricCriterion
from .packages import PackageError, package_dumps, package_of_entry
from .permissions import (
    get_criterion_for_admin,
    get_evidence_type_for_admin,
    get_microcredential_for_admin,
    get_microcredential_for_user,
    get_stack_for_admin,
    get_state_entry_for_district_admin,
)
from .services import CatalogError
from .signals import endorsements_asked, open_plan_asked

Status = MicroCredential.Status
any_role = role_required(Role.EDUCATOR, Role.REVIEWER, Role.DISTRICT_ADMIN)


# --- everyone: browse, search, read ---------------------------------------------------------


@require_GET
@any_role
def catalog(request: HttpRequest) -> HttpResponse:
    choices = selectors.catalog_filter_choices(request.user)
    form = CatalogFilterForm(request.GET or None, choices=choices)
    filters = form.filters() if form.is_bound else {}
    entries = selectors.catalog_cards(request.user, **filters)
    if request.htmx:
        template, filter_fields = "credentials/_catalog_results.html", {}
    else:
        template, filter_fields = "credentials/catalog.html", _filter_fields(form, choices)
    context = {
        "form": form,
        "filter_fields": filter_fields,
        "entries": entries,
        "searching": any(filters.values()),
        "cards_key": _cards_key(entries),
    }
    return render(request, template, context)


def _filter_fields(form: CatalogFilterForm, choices: selectors.CatalogFilterChoices) -> dict:
    """The filter form as the page shows it: its error summary (``errors``) and each field
    (label, hint, message, input), by name. Its HTML follows from the choices and the values
    submitted alone: it is kept rendered in each process (``fragments``) under both, so a
    renamed, added or removed stack or evidence type shows at once."""
    submitted = [(name, form.data.getlist(name)) for name in form.fields] if form.is_bound else None
    key = "catalog-filters:" + digest((choices, submitted))
    fields = caches["fragments"].get(key)
    if fields is None:
        fields = {name: form[name].as_field_group() for name in form.fields}
        fields["errors"] = render_to_string("forms/_error_summary.html", {"form": form})
        caches["fragments"].set(key, fields)
    return fields


def _cards_key(entries: list[selectors.CatalogCard]) -> str:
    """Everything the catalog's cards show, hashed: their rendering is cached under it, so a
    changed entry, stack or evidence type is a new key and shows at once."""
    return digest(entries)


def _open_plan_url(entry: MicroCredential, user) -> str | None:
    """The educator's plan already under way on this entry, as the plans side answers."""
    answers = open_plan_asked.send(sender=MicroCredential, entry=entry, user=user)
    return next((url for _, url in answers if url), None)


def _endorsements(entry: MicroCredential) -> list:
    """The endorsements of the entry that stand, as the badges side answers."""
    answers = endorsements_asked.send(sender=MicroCredential, entry=entry)
    return [endorsement for _, listed in answers for endorsement in listed or []]


def _detail_context(request: HttpRequest, entry: MicroCredential, *, preview: bool) -> dict:
    current = None
    if entry.status in (Status.SUPERSEDED, Status.DRAFT):
        current = selectors.current_version(entry)
    can_start = entry.is_published and request.user.has_role(Role.EDUCATOR)
    return {
        "entry": entry,
        "rubric": getattr(entry, "rubric", None),
        "preview": preview,
        "current": current,
        "can_start": can_start,
        "open_plan_url": _open_plan_url(entry, request.user) if can_start else None,
        "is_admin": request.user.has_role(Role.DISTRICT_ADMIN),
        "endorsements": _endorsements(entry),
    }


@require_GET
@any_role
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_microcredential_for_user(request.user, pk)
    return render(
        request, "credentials/detail.html", _detail_context(request, entry, preview=False)
    )


# --- district admins: manage the catalog ----------------------------------------------------


@require_GET
@district_admin_required
def manage(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    query = request.GET.get("q", "")[:200]
    entries = selectors.catalog_for_admin(request.user, status=status, query=query)
    return render(
        request,
        "credentials/manage.html",
        {
            "entries": entries,
            "status": status,
            "query": query,
            "statuses": Status.choices,
            "offers": selectors.adoption_offers(district=request.user.district),
        },
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def create(request: HttpRequest) -> HttpResponse:
    form = MicroCredentialForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.microcredential_create(
                actor=request.user,
                evidence_types=form.cleaned_data["evidence_types"],
                badge_image_png=form.cleaned_data["badge_image"],
                **form.entry_fields(),
            )
        except CatalogError as error:
            form.refuse(str(error))
        else:
            messages.success(request, f"“{entry.title}” was saved as a draft. Add its rubric.")
            return redirect("credentials:rubric", pk=entry.pk)
    return render(request, "credentials/entry_form.html", {"form": form, "entry": None})


@require_http_methods(["GET", "POST"])
@district_admin_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_microcredential_for_admin(request.user, pk)
    if not entry.is_editable:
        messages.error(
            request,
            f"This version is {entry.get_status_display().lower()}; it can no longer be edited.",
        )
        return redirect("credentials:preview", pk=entry.pk)
    form = MicroCredentialForm(
        request.POST or None, request.FILES or None, instance=entry, user=request.user
    )
    if request.method == "POST" and form.is_valid() and not form.has_changed():
        messages.info(request, "Nothing was changed.")
        return redirect("credentials:preview", pk=entry.pk)
    if request.method == "POST" and form.is_valid():
        badge_image_png = form.cleaned_data["badge_image"]
        try:
            if form.entry_changed():
                saved = services.microcredential_update(
                    microcredential=entry,
                    actor=request.user,
                    evidence_types=form.cleaned_data["evidence_types"],
                    badge_image_png=badge_image_png,
                    **form.entry_fields(),
                )
            else:
                saved = services.microcredential_badge_image_set(
                    microcredential=entry, image_png=badge_image_png, actor=request.user
                )
        except CatalogError as error:
            form.refuse(str(error))
        else:
            if saved.pk != entry.pk:
                messages.success(
                    request,
                    f"Published as version {saved.version}. Version {entry.version} is kept "
                    "for the plans already started on it.",
                )
            else:
                messages.success(request, "Saved.")
            return redirect("credentials:preview", pk=saved.pk)
    return render(request, "credentials/entry_form.html", {"form": form, "entry": entry})


@require_GET
@district_admin_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_microcredential_for_admin(request.user, pk)
    context = _detail_context(request, entry, preview=True)
    context["versions"] = selectors.lineage_versions(entry)
    # A published version made before a check was added keeps working; its admin is told.
    checked = entry.is_publishable or entry.is_published
    context["publish_problems"] = services.publish_problems(entry) if checked else []
    return render(request, "credentials/detail.html", context)


def _transition(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    entry = get_microcredential_for_admin(request.user, pk)
    try:
        entry = action(microcredential=entry, actor=request.user)
    except CatalogError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(title=entry.title, version=entry.version))
    return redirect("credentials:preview", pk=entry.pk)


@require_POST
@district_admin_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.microcredential_publish,
        "“{title}” (version {version}) is published; educators can start plans on it.",
    )


@require_POST
@district_admin_required
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.microcredential_retire,
        "“{title}” is retired: no new plans; plans already started continue.",
    )


@require_POST
@district_admin_required
def new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.microcredential_new_draft,
        "Version {version} of “{title}” is a draft: change it, then publish it.",
    )


# --- rubric editor --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_admin_required
def rubric(request: HttpRequest, pk: int) -> HttpResponse:
    """The rubric's passing rule and criteria, with a form to add a criterion."""
    entry = get_microcredential_for_admin(request.user, pk)
    rubric = getattr(entry, "rubric", None)
    rule_form = RubricForm(
        request.POST if request.POST.get("form") == "rule" else None,
        instance=rubric,
        prefix="rule",
    )
    criterion_form = RubricCriterionForm(
        request.POST if request.POST.get("form") == "criterion" else None,
        microcredential=entry,
        prefix="criterion",
    )
    levels = level_formset(request.POST if request.POST.get("form") == "criterion" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "rule" and rule_form.is_valid():
                saved = services.rubric_update(
                    microcredential=entry,
                    actor=request.user,
                    passing_rule=rule_form.cleaned_data["passing_rule"],
                    minimum_passing_criteria=rule_form.cleaned_data["minimum_passing_criteria"],
                )
                messages.success(request, "The passing rule is saved.")
                # Saved all the same: criteria may follow. Publishing waits for them.
                problem = services.passing_rule_problem(saved, saved.criteria.count())
                if problem:
                    messages.warning(request, f"{problem} Until then it cannot be published.")
                return redirect("credentials:rubric", pk=entry.pk)
            if (
                request.POST.get("form") == "criterion"
                and criterion_form.is_valid()
                and levels.is_valid()
            ):
                data = criterion_form.cleaned_data
                created = services.rubric_criterion_create(
                    microcredential=entry,
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    component=data["component"],
                    evidence_type=data["evidence_type"],
                    passing_score=data["passing_score"],
                    levels=levels.levels(),
                )
                _say_saved(request, created, f"Criterion “{created.title}” is added.")
                return redirect("credentials:rubric", pk=entry.pk)
        except CatalogError as error:
            messages.error(request, str(error))
    return render(
        request,
        "credentials/rubric.html",
        {
            "entry": entry,
            "rubric": rubric,
            "criterion_problems": [
                problem
                for problem in map(services.criterion_passing_problem, rubric.criteria.all())
                if problem
            ]
            if rubric
            else [],
            "rule_form": rule_form,
            "criterion_form": criterion_form,
            "levels": levels,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_criterion_for_admin(request.user, pk)
    entry = criterion.rubric.microcredential
    form = RubricCriterionForm(
        request.POST or None, instance=criterion, microcredential=entry, prefix="criterion"
    )
    levels = level_formset(request.POST or None, criterion=criterion)
    if request.method == "POST" and form.is_valid() and levels.is_valid():
        data = form.cleaned_data
        try:
            saved = services.rubric_criterion_update(
                criterion=criterion,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                component=data["component"],
                evidence_type=data["evidence_type"],
                passing_score=data["passing_score"],
                position=data["position"],
                levels=levels.levels(),
            )
        except CatalogError as error:
            form.add_error(None, str(error))
        else:
            _say_saved(request, saved, f"Criterion “{saved.title}” is saved.")
            return redirect("credentials:rubric", pk=entry.pk)
    return render(
        request,
        "credentials/criterion_form.html",
        {
            "entry": entry,
            "criterion": criterion,
            "form": form,
            "levels": levels,
            "fixed_reason": services.rubric_fixed_reason(entry),
            "passing_problem": services.criterion_passing_problem(criterion),
        },
    )


def _say_saved(request: HttpRequest, criterion: RubricCriterion, saved: str) -> None:
    """Saved all the same when its passing score cannot stand, as the passing rule is:
    publishing is what waits for it. The rubric page, where saving lands, lists why
    (``criterion_problems``); the message points there rather than saying it twice."""
    if services.criterion_passing_problem(criterion):
        messages.warning(
            request, f"{saved} It cannot be published as it is: the notice below says why."
        )
    else:
        messages.success(request, saved)


@require_POST
@district_admin_required
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_criterion_for_admin(request.user, pk)
    entry_pk = criterion.rubric.microcredential_id
    try:
        services.rubric_criterion_delete(criterion=criterion, actor=request.user)
    except CatalogError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Criterion “{criterion.title}” is removed.")
    return redirect("credentials:rubric", pk=entry_pk)


# --- stacks and evidence types --------------------------------------------------------------


def _named_things(request: HttpRequest, *, kind: str) -> HttpResponse:
    if kind == "stack":
        form_class, items = StackForm, selectors.stacks_for_user(request.user)
        create = services.stack_create
    else:
        form_class, items = EvidenceTypeForm, selectors.evidence_types_for_user(request.user)
        create = services.evidence_type_create
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thing = create(actor=request.user, **form.cleaned_data)
        except CatalogError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"“{thing.name}” is added.")
            return redirect(f"credentials:{kind}s")
    return render(
        request, f"credentials/{kind}s.html", {"form": form, "items": items, "kind": kind}
    )


def _named_thing_edit(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    if kind == "stack":
        thing = get_stack_for_admin(request.user, pk)
        form = StackForm(request.POST or None, instance=thing)
    else:
        thing = get_evidence_type_for_admin(request.user, pk)
        form = EvidenceTypeForm(request.POST or None, instance=thing)
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "stack":
                services.stack_update(stack=thing, actor=request.user, **form.cleaned_data)
            else:
                services.evidence_type_update(
                    evidence_type=thing, actor=request.user, **form.cleaned_data
                )
        except CatalogError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, "Saved.")
            return redirect(f"credentials:{kind}s")
    return render(
        request, "credentials/named_form.html", {"form": form, "thing": thing, "kind": kind}
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def stacks(request: HttpRequest) -> HttpResponse:
    return _named_things(request, kind="stack")


@require_http_methods(["GET", "POST"])
@district_admin_required
def stack_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _named_thing_edit(request, pk, kind="stack")


@require_http_methods(["GET", "POST"])
@district_admin_required
def evidence_types(request: HttpRequest) -> HttpResponse:
    return _named_things(request, kind="evidence_type")


@require_http_methods(["GET", "POST"])
@district_admin_required
def evidence_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _named_thing_edit(request, pk, kind="evidence_type")


# --- packages: export, import; the state's catalog ------------------------------------------


def _package_response(package: dict, *, title: str, version: int) -> HttpResponse:
    response = HttpResponse(package_dumps(package), content_type="application/json")
    name = f"{slugify(title)[:60] or 'micro-credential'}-v{version}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@any_role
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry as a package file: anyone who may read the entry may take it away."""
    entry = get_microcredential_for_user(request.user, pk)
    package = package_of_entry(entry, provider=entry.district.name)
    return _package_response(package, title=entry.title, version=entry.version)


@require_http_methods(["GET", "POST"])
@district_admin_required
def import_package(request: HttpRequest) -> HttpResponse:
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.microcredential_import(actor=request.user, raw=form.package_bytes())
        except PackageError as error:
            for problem in error.problems:
                form.add_error("package", problem)
        except CatalogError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"“{entry.title}” was brought in as a draft: check it, then publish it."
            )
            return redirect("credentials:preview", pk=entry.pk)
    return render(request, "credentials/import.html", {"form": form})


@require_GET
@district_admin_required
def state_catalog(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    entries = selectors.state_catalog_for_district(district=district)
    return render(
        request,
        "credentials/state_catalog.html",
        {
            "state": district.state,
            "entries": entries,
            "stacks": selectors.state_stacks_for_district(entries),
        },
    )


@require_POST
@district_admin_required
def adopt_stack(request: HttpRequest) -> HttpResponse:
    stack_name = request.POST.get("stack", "")[:200]
    try:
        adopted = services.state_stack_adopt(stack_name=stack_name, actor=request.user)
    except CatalogError as error:
        messages.error(request, str(error))
    else:
        titles = ", ".join(f"“{entry.title}”" for entry in adopted)
        messages.success(request, f"Adopted from “{stack_name}”: {titles}.")
    return redirect("credentials:state_catalog")


@require_GET
@district_admin_required
def state_entry_export(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_state_entry_for_district_admin(request.user, pk)
    version = entry.versions.get(number=entry.latest_version)
    return _package_response(version.package, title=entry.title, version=version.number)


@require_POST
@district_admin_required
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    state_entry = get_state_entry_for_district_admin(request.user, pk)
    try:
        entry = services.state_entry_adopt(state_entry=state_entry, actor=request.user)
    except CatalogError as error:
        messages.error(request, str(error))
        return redirect("credentials:state_catalog")
    messages.success(
        request,
        f"“{entry.title}” (the state's version {entry.adopted_version}) is in your catalog: "
        "educators can start plans on it.",
    )
    return redirect("credentials:preview", pk=entry.pk)


@require_POST
@district_admin_required
def adopted_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.microcredential_adopted_update,
        "“{title}” is now at the state's latest version (your version {version}); plans "
        "already started keep the version they started on.",
    )
