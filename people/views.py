"""District admins' pages: their district's dashboard; people (list, invite, edit, deactivate,
roster import), buildings and goals; and the public page where an invited person sets their
password."""

import secrets

from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import district_admin_required
from badges.selectors import awards_of_person_for_admin
from badges.views import transcript_download
from microcreds.downloads import content_disposition, download_filename
from microcreds.pagination import paginate

from . import selectors, services
from .forms import (
    BuildingForm,
    GoalForm,
    MoveInviteForm,
    PeopleFilterForm,
    PersonForm,
    RosterConfirmForm,
    RosterUploadForm,
    SetPasswordForm,
)
from .permissions import get_building_for_admin, get_goal_for_admin, get_person_for_admin
from .services import PeopleError, RosterError
from .signals import dashboard_counts_asked, dashboard_figures_asked

PAGE_SIZE = 50
ROSTER_SESSION_KEY = "roster_import"


# --- The district dashboard ----------------------------------------------------------------------


@require_GET
@district_admin_required
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    answers = dashboard_figures_asked.send(sender=User, district=district)
    counted = dashboard_counts_asked.send(sender=User, district=district)
    counts = next((counts for _receiver, counts in counted if counts), None)
    return render(
        request,
        "people/admin_dashboard.html",
        {
            "district": district,
            "figures": [figure for _receiver, figures in answers for figure in figures or []],
            "counts": counts or selectors.district_counts(district=district, at=timezone.now()),
            "admin_links": [
                (
                    "District settings: certificates, sign-in, reviews, evidence files",
                    reverse("accounts:district_settings"),
                ),
                ("Micro-credential catalog", reverse("credentials:catalog")),
                ("People, invitations and roster import", reverse("people:list")),
                ("Buildings", reverse("people:buildings")),
                ("District goals", reverse("people:goals")),
                ("Reports", reverse("reports:index")),
                ("Program rules: cycles, credit and renewal", reverse("programs:rules")),
                ("Webhooks: events sent to your other systems", reverse("webhooks:list")),
                ("API clients: HR, the student information system", reverse("api:clients")),
            ],
        },
    )


# --- People --------------------------------------------------------------------------------------


@require_GET
@district_admin_required
def people(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    form = PeopleFilterForm(request.GET or None, district=district)
    filters = form.cleaned_data if form.is_valid() else {}
    listing = selectors.people_list(
        district=district,
        q=filters.get("q", ""),
        building=filters.get("building"),
        role=filters.get("role", ""),
        status=filters.get("status", ""),
    )
    page = paginate(request, listing, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "statuses": selectors.PersonStatus,
        },
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def person_invite(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, district=request.user.district)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_invite(actor=request.user, **form.cleaned_data)
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            # The same words whether or not the address was another district's (person is None).
            messages.success(request, services.invitation_sent_message(form.cleaned_data["email"]))
            return redirect("people:list")
    return render(request, "people/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
@district_admin_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "building": person.building_id,
        "is_educator": person.is_educator,
        "is_reviewer": person.is_reviewer,
        "is_district_admin": person.is_district_admin,
        "license_number": person.license_number,
    }
    form = PersonForm(
        request.POST or None, initial=initial, district=request.user.district, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user, **form.cleaned_data)
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{person.display_name} was saved.")
            return redirect("people:list")
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "awards": list(awards_of_person_for_admin(request.user, person)),
        },
    )


@require_GET
@district_admin_required
def person_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript (CLR 2.0) of an educator of the district, for HR or a licensure office:
    the same signed record the educator downloads."""
    person = get_person_for_admin(request.user, pk)
    if not person.is_educator:
        raise Http404("Only an educator has a transcript.")
    return transcript_download(person)


@require_POST
@district_admin_required
def person_resend(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    try:
        services.invitation_send(person=person, actor=request.user)
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"A new invitation was sent to {person.email}.")
    return redirect("people:list")


@require_POST
@district_admin_required
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    try:
        done = services.person_deactivate(person=person, actor=request.user)
    except PeopleError as exc:
        messages.error(request, str(exc))
        return redirect("people:list")
    said = f"{person.display_name} was deactivated; their records and awards stay."
    moved, flagged = len(done.reviews.reassigned), len(done.reviews.left_for_chair)
    if moved:
        said += f" {moved} waiting review{pluralize(moved)} went to other reviewers."
    if flagged:
        said += (
            f" {flagged} waiting review{pluralize(flagged)} could go to nobody else on the "
            "panel: the panel chair was told to choose a reviewer."
        )
    messages.success(request, said)
    return redirect("people:list")


@require_POST
@district_admin_required
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    try:
        services.person_set_active(person=person, actor=request.user, active=True)
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{person.display_name} was reactivated.")
    return redirect("people:list")


# --- Moving between districts of the state ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_admin_required
def move_invite(request: HttpRequest) -> HttpResponse:
    """Invite an educator of another district of the state to move here."""
    district = request.user.district
    form = MoveInviteForm(request.POST or None)
    if district.state_id is None:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            services.move_invite(actor=request.user, **form.cleaned_data)
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            by_license = bool(form.cleaned_data["license_number"].strip())
            messages.success(
                request,
                services.move_invite_sent_message(district=district, by_license=by_license),
            )
            return redirect("people:list")
    return render(request, "people/move_invite.html", {"form": form, "district": district})


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def move_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person reads what moving means and accepts. Anyone else's link: 404."""
    invitation = services.move_invitation_for(person=request.user, token=token)
    if invitation is None:
        raise Http404("No open invitation of yours has this link.")
    error = ""
    if request.method == "POST":
        try:
            services.person_move(invitation=invitation, actor=request.user)
        except PeopleError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"Welcome to {invitation.district.name}. Your awards and portfolio came with you.",
            )
            return redirect("home")
    return render(
        request,
        "people/move_accept.html",
        {"invitation": invitation, "origin": request.user.district, "error": error},
        status=400 if error else 200,
    )


# --- Roster import ------------------------------------------------------------------------------


@require_GET
@district_admin_required
def roster_example(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.roster_example(district=request.user.district), content_type="text/csv"
    )
    response["Content-Disposition"] = content_disposition(
        download_filename("roster example", extension="csv")
    )
    return response


@require_http_methods(["GET", "POST"])
@district_admin_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload: read and check every row, keep the file in the session, show the preview."""
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["roster"]
        try:
            if upload.size > services.ROSTER_MAX_BYTES:
                raise RosterError(
                    f"The file is too large ({upload.size // 1024} KB). The limit is "
                    f"{services.ROSTER_MAX_BYTES // 1024} KB; split the roster."
                )
            text = services.roster_decode(upload.read())
            preview = services.roster_preview(
                district=request.user.district, text=text, actor=request.user
            )
        except RosterError as exc:
            form.add_error("roster", str(exc))
        else:
            token = secrets.token_urlsafe(16)
            request.session[ROSTER_SESSION_KEY] = {
                "token": token,
                "text": text,
                "name": upload.name,
            }
            confirm = RosterConfirmForm(initial={"token": token, "invite_new": True})
            return render(
                request,
                "people/roster_preview.html",
                {"preview": preview, "confirm": confirm, "filename": upload.name},
            )
    return render(request, "people/roster_import.html", {"form": form})


@require_POST
@district_admin_required
def roster_confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(ROSTER_SESSION_KEY)
    form = RosterConfirmForm(request.POST)
    if not stored or not form.is_valid() or form.cleaned_data["token"] != stored["token"]:
        messages.error(request, "This import has expired; upload the file again.")
        return redirect("people:roster_import")
    try:
        result = services.roster_import(
            actor=request.user,
            text=stored["text"],
            only_valid=form.cleaned_data["only_valid"],
            invite_new=form.cleaned_data["invite_new"],
        )
    except (PeopleError, RosterError) as exc:
        form.add_error(None, str(exc))
        preview = services.roster_preview(
            district=request.user.district, text=stored["text"], actor=request.user
        )
        return render(
            request,
            "people/roster_preview.html",
            {"preview": preview, "confirm": form, "filename": stored["name"]},
            status=400,
        )
    del request.session[ROSTER_SESSION_KEY]
    counts = result.counts
    messages.success(
        request,
        f"Roster imported: {counts['new']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['error']} skipped with errors.",
    )
    return redirect("people:list")


# --- Buildings and goals ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_admin_required
def buildings(request: HttpRequest) -> HttpResponse:
    form = BuildingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_save(building=None, actor=request.user, **form.cleaned_data)
        except PeopleError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, "The building was added.")
            return redirect("people:buildings")
    return render(
        request,
        "people/buildings.html",
        {
            "form": form,
            "buildings": selectors.buildings_with_counts(district=request.user.district),
        },
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def building_edit(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_building_for_admin(request.user, pk)
    form = BuildingForm(request.POST or None, instance=building)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_save(building=building, actor=request.user, **form.cleaned_data)
        except PeopleError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, "The building was renamed.")
            return redirect("people:buildings")
    return render(request, "people/simple_form.html", {"form": form, "title": "Rename a building"})


@require_POST
@district_admin_required
def building_delete(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_building_for_admin(request.user, pk)
    services.building_delete(building=building, actor=request.user)
    messages.success(request, f"“{building.name}” was deleted; its people have no building now.")
    return redirect("people:buildings")


@require_GET
@district_admin_required
def goals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/goals.html",
        {"goals": selectors.goals_of_district(district=request.user.district)},
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def goal_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    goal = get_goal_for_admin(request.user, pk) if pk else None
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        services.goal_save(goal=goal, actor=request.user, **form.cleaned_data)
        messages.success(request, "The district goal was saved.")
        return redirect("people:goals")
    title = "Edit a district goal" if pk else "Add a district goal"
    return render(request, "people/simple_form.html", {"form": form, "title": title})


# --- The invited person -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb36: str, token: str) -> HttpResponse:
    person = services.invitation_person(uidb36=uidb36, token=token)
    if person is None:
        return render(request, "people/invitation_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != person.pk:
        raise Http404("This invitation is for someone else.")
    form = SetPasswordForm(request.POST or None, user=person)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(person=person, password=form.cleaned_data["new_password1"])
        messages.success(request, "Welcome! Your password is set.")
        # Signed in through allauth's login stages, as every sign-in is: a second factor (which
        # a valid invitation never meets: see invitation_person) would be asked for here.
        return perform_login(request, person, redirect_url=reverse("home"))
    return render(request, "people/invitation_accept.html", {"form": form, "person": person})
