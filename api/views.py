"""The district admin's pages for the API: register a client (its secret shown once), revoke
it, and see the calls clients made."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider.views import TokenView

from accounts.permissions import district_admin_required

from . import selectors, services
from .forms import ApiClientForm
from .permissions import get_api_client_for_admin


@never_cache
@require_http_methods(["GET", "POST"])
@district_admin_required
def clients(request: HttpRequest) -> HttpResponse:
    form = ApiClientForm(request.POST or None)
    registered = None
    if request.method == "POST" and form.is_valid():
        registered = services.api_client_register(actor=request.user, **form.cleaned_data)
        form = ApiClientForm()
    return render(
        request,
        "api/clients.html",
        {
            "form": form,
            "registered": registered,
            "clients": selectors.api_clients_of_district(district=request.user.district),
        },
        status=201 if registered else 200,
    )


@require_POST
@district_admin_required
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_api_client_for_admin(request.user, pk)
    services.api_client_revoke(client=client, actor=request.user)
    messages.success(request, f"“{client.name}” is revoked: its tokens no longer work.")
    return redirect("api:clients")


@require_GET
@district_admin_required
def calls(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/calls.html",
        {"calls": selectors.recent_calls(district=request.user.district)},
    )


class ClientCredentialsTokenView(TokenView):
    """DOT's token endpoint for a district's clients: client credentials only (a wallet gets its
    tokens at wallets:token, by an educator's consent)."""

    def post(self, request, *args, **kwargs):
        if request.POST.get("grant_type") != "client_credentials":
            return JsonResponse(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "District clients use client_credentials.",
                },
                status=400,
            )
        return super().post(request, *args, **kwargs)
