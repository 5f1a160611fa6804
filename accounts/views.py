import mimetypes
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import DistrictSettingsForm, LicenseNumberForm
from .permissions import district_admin_required


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(selectors.home_url_name_for(request.user))


# --- The site's own error pages (microcreds.urls: handler403, handler404; 500.html is rendered
# by Django's own handler, without the request or the database) --------------------------------


@cache
def _our_apps() -> frozenset[str]:
    """The apps of this project (beside manage.py), not Django's or a library's."""
    return frozenset(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    )


def reason_for_people(exception: Exception) -> str:
    """Why the page is refused or missing, when our own code said so: our apps raise
    ``PermissionDenied``/``Http404`` with a message written for the person ("This review is
    assigned to someone else."). Anything raised elsewhere (Django's "No User matches the given
    query.", the URL resolver, a library) names internals and is not shown."""
    message = exception.args[0] if exception.args else ""
    trace = exception.__traceback__
    if not isinstance(message, str) or not message or trace is None:
        return ""
    while trace.tb_next is not None:
        trace = trace.tb_next
    raised_in = trace.tb_frame.f_globals.get("__name__", "").split(".")[0]
    return message if raised_in in _our_apps() else ""


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"reason": reason_for_people(exception)}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"reason": reason_for_people(exception)}, status=404)


@require_GET
@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_role.html")


def _profile_page(request: HttpRequest, form: LicenseNumberForm, status: int = 200):
    user = request.user
    in_state = user.district_id is not None and user.district.state_id is not None
    return render(
        request,
        "accounts/profile.html",
        {"form": form if in_state else None, "memberships": selectors.memberships_of(user)},
        status=status,
    )


@require_GET
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own account: their e-mail addresses (allauth's page), their districts and
    their state educator license number."""
    initial = {"license_number": request.user.license_number}
    return _profile_page(request, LicenseNumberForm(initial=initial))


@require_POST
@login_required
def license_number(request: HttpRequest) -> HttpResponse:
    """The person sets or clears their own license number (in a district of a state)."""
    user = request.user
    if user.district_id is None or user.district.state_id is None:
        raise Http404("Your district belongs to no state: there is no license number to set.")
    form = LicenseNumberForm(request.POST)
    if form.is_valid():
        try:
            services.license_number_set(
                person=user, number=form.cleaned_data["license_number"], actor=user
            )
        except services.LicenseError as exc:
            form.add_error("license_number", str(exc))
        else:
            messages.success(request, "Your license number was saved.")
            return redirect("accounts:profile")
    return _profile_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
@district_admin_required
def district_settings(request: HttpRequest) -> HttpResponse:
    district = selectors.district_of(request.user)
    form = DistrictSettingsForm(request.POST or None, request.FILES or None, instance=district)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.district_settings_update(
                district=district, actor=request.user, **form.settings()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changes:
                messages.success(request, "The district settings were saved.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect("accounts:district_settings")
    return render(
        request,
        "accounts/district_settings.html",
        {
            "form": form,
            "logo_url": reverse("accounts:district_logo") if district.logo else "",
            "history": selectors.district_settings_history(district=district),
        },
    )


@require_GET
@district_admin_required
def district_logo(request: HttpRequest) -> HttpResponse:
    """The admin's own district's logo, for the settings page: stored files are only ever read
    through a view that checks who asks (local files and S3 alike)."""
    from django.core.files.storage import default_storage

    district = selectors.district_of(request.user)
    if not district.logo:
        raise Http404("This district has no logo.")
    try:
        handle = default_storage.open(district.logo.name, "rb")
    except (OSError, ValueError):
        raise Http404("The logo is no longer stored.") from None
    content_type = mimetypes.guess_type(district.logo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: database, Redis and storage, each "ok" or the error."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.CELERY_BROKER_URL.startswith("redis"):
        try:
            import redis

            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {exc.__class__.__name__}"
    else:
        checks["redis"] = "not configured (tasks run in-process)"
    try:
        default_storage.exists("healthz-probe")
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
