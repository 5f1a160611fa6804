from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required

from . import selectors


@require_GET
@role_required(Role.EDUCATOR, Role.REVIEWER, Role.DISTRICT_ADMIN)
def catalog(request: HttpRequest) -> HttpResponse:
    entries = selectors.published_catalog_for_user(request.user)
    return render(request, "credentials/catalog.html", {"entries": entries})
