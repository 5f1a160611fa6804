"""The 1EdTech Open Badges 3.0 API for wallets: discovery, dynamic client registration, the
educator's consent (OAuth 2.0 authorization code with PKCE), the token endpoint, getCredentials
and getProfile; and the educator's page of connected wallets."""

import json
import math
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.models import Application
from oauth2_provider.views import AuthorizationView, TokenView

from accounts.models import Role
from accounts.permissions import educator_required
from badges.proofs import OB_V3_CONTEXT

from . import selectors, services
from .discovery import service_description
from .forms import CredentialsQueryForm, WalletConsentForm, WalletRegistrationForm
from .models import WalletClient
from .permissions import WalletRefusal, get_connection_for_educator, wallet_caller
from .throttling import RegistrationThrottle

CREDENTIAL_READONLY = f"{settings.OB_SCOPE}credential.readonly"
PROFILE_READONLY = f"{settings.OB_SCOPE}profile.readonly"
WALLET_GRANT_TYPES = {"authorization_code", "refresh_token"}

# imsx_codeMinor values of the 1EdTech Security Framework, by HTTP status.
CODE_MINOR = {
    400: "invalid_data",
    401: "unauthorisedrequest",
    403: "forbidden",
    405: "invalid_data",
}


def status_info(status: int, description: str, *, scope: str = "") -> JsonResponse:
    """An Imsx_StatusInfo error, as every operation of the specification answers one."""
    response = JsonResponse(
        {
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": description,
            "imsx_codeMinor": {
                "imsx_codeMinorField": [
                    {
                        "imsx_codeMinorFieldName": "TargetEndSystem",
                        "imsx_codeMinorFieldValue": CODE_MINOR[status],
                    }
                ]
            },
        },
        status=status,
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    elif status == 403:
        response["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{scope}"'
    elif status == 405:
        response["Allow"] = "GET"
    return response


def _refused(refusal: WalletRefusal, scope: str) -> JsonResponse:
    return status_info(refusal.status, refusal.description, scope=scope)


# --- Discovery and registration ---------------------------------------------------------------


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    """The Service Description Document: public, and cacheable for an hour."""
    response = JsonResponse(service_description())
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _registration_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    """RFC 7591 dynamic client registration, as the specification profiles it."""
    throttle = RegistrationThrottle()
    if not throttle.allow_request(request, None):
        response = _registration_error(
            "too_many_requests", "Too many registrations from this address; try again later.", 429
        )
        response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
        return response
    try:
        metadata = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _registration_error("invalid_client_metadata", "The body must be a JSON object.")
    if not isinstance(metadata, dict):
        return _registration_error("invalid_client_metadata", "The body must be a JSON object.")
    form = WalletRegistrationForm(metadata)
    if not form.is_valid():
        problems = "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
        )
        error = (
            "invalid_redirect_uri" if "redirect_uris" in form.errors else "invalid_client_metadata"
        )
        return _registration_error(error, problems)
    registered = services.wallet_client_register(registration=form.cleaned_data)
    client = registered.client
    body = {
        "client_id": client.application.client_id,
        "client_id_issued_at": int(client.registered_at.timestamp()),
        "client_secret_expires_at": 0,
        "client_name": client.client_name,
        "client_uri": client.client_uri,
        "logo_uri": client.logo_uri,
        "tos_uri": client.tos_uri,
        "policy_uri": client.policy_uri,
        "software_id": client.software_id,
        "software_version": client.software_version,
        "redirect_uris": client.application.redirect_uris.split(),
        "token_endpoint_auth_method": form.cleaned_data["token_endpoint_auth_method"],
        "grant_types": form.cleaned_data["grant_types"],
        "response_types": form.cleaned_data["response_types"],
        "scope": " ".join(client.scopes),
    }
    if client.contacts:
        body["contacts"] = client.contacts
    if registered.client_secret:
        body["client_secret"] = registered.client_secret
    response = JsonResponse(body, status=201)
    response["Cache-Control"] = "no-store"
    return response


# --- The educator's consent and the token endpoint --------------------------------------------


class WalletAuthorizationView(AuthorizationView):
    """DOT's authorization endpoint (PKCE S256 required by the settings), asking the educator
    through the site's own form; their "yes" records the connection."""

    template_name = "wallets/authorize.html"
    form_class = WalletConsentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(Role.EDUCATOR):
            raise PermissionDenied("Only an educator connects a wallet to their credentials.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        client_id = context.get("client_id") or data.get("client_id")
        context["wallet"] = (
            WalletClient.objects.filter(application__client_id=client_id).first()
            if client_id
            else None
        )
        scopes = context.get("scopes") or data.get("scope", "").split()
        context["scope_descriptions"] = [
            settings.WALLET_SCOPES[scope] for scope in scopes if scope in settings.WALLET_SCOPES
        ]
        return context

    def create_authorization_response(self, request, scopes, credentials, allow):
        answer = super().create_authorization_response(
            request=request, scopes=scopes, credentials=credentials, allow=allow
        )
        if allow:
            services.wallet_connect(
                educator=request.user,
                application=Application.objects.get(client_id=credentials["client_id"]),
                scopes=scopes.split(),
            )
        return answer


class WalletTokenView(TokenView):
    """DOT's token endpoint for wallets only: the authorization code and refresh grants (a
    district's client gets its tokens at api:token, with client credentials)."""

    def post(self, request, *args, **kwargs):
        if request.POST.get("grant_type") not in WALLET_GRANT_TYPES:
            return JsonResponse(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Wallets use authorization_code or refresh_token.",
                },
                status=400,
            )
        return super().post(request, *args, **kwargs)


# --- getCredentials and getProfile --------------------------------------------------------------


def _page_link(request: HttpRequest, query: dict, *, offset: int, rel: str) -> str:
    url = f"{settings.SITE_URL}{request.path}?{urlencode({**query, 'offset': offset})}"
    return f'<{url}>; rel="{rel}"'


@csrf_exempt
def credentials(request: HttpRequest) -> JsonResponse:
    """getCredentials: the educator's OpenBadgeCredentials, by ``limit`` and ``offset``, with
    X-Total-Count and a Link header (first, last, prev, next)."""
    if request.method != "GET":
        return status_info(405, "Only GET is offered here.")
    caller = wallet_caller(request, scope=CREDENTIAL_READONLY)
    if isinstance(caller, WalletRefusal):
        return _refused(caller, CREDENTIAL_READONLY)
    query = CredentialsQueryForm(request.GET)
    if not query.is_valid():
        return status_info(
            400,
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in query.errors.items()),
        )
    limit, offset, since = (query.cleaned_data[k] for k in ("limit", "offset", "since"))
    awards = selectors.credentials_for_wallet(caller, since=since)
    total = awards.count()
    page = list(awards.values_list("credential", flat=True)[offset : offset + limit])
    response = JsonResponse({"credential": page})
    kept = {"limit": limit, **({"since": request.GET["since"]} if since else {})}
    last = max(0, (total - 1) // limit * limit)
    links = [
        _page_link(request, kept, offset=0, rel="first"),
        _page_link(request, kept, offset=last, rel="last"),
    ]
    if offset + limit < total:
        links.append(_page_link(request, kept, offset=offset + limit, rel="next"))
    if offset > 0:
        links.append(_page_link(request, kept, offset=max(0, offset - limit), rel="prev"))
    response["X-Total-Count"] = str(total)
    response["Link"] = ", ".join(links)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def profile(request: HttpRequest) -> JsonResponse:
    """getProfile: the educator's name and address, under a stable id that says nothing else."""
    if request.method != "GET":
        return status_info(405, "Only GET is offered here.")
    caller = wallet_caller(request, scope=PROFILE_READONLY)
    if isinstance(caller, WalletRefusal):
        return _refused(caller, PROFILE_READONLY)
    person_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/people/{caller.pk}")
    response = JsonResponse(
        {
            "@context": [OB_V3_CONTEXT],
            "id": f"urn:uuid:{person_id}",
            "type": ["Profile"],
            "name": caller.display_name,
            "email": caller.email,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The educator's pages -----------------------------------------------------------------------


@require_GET
@educator_required
def connections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "wallets/connections.html",
        {
            "connections": selectors.connections_of(request.user),
            "scope_words": settings.WALLET_SCOPES,
            "discovery_url": f"{settings.SITE_URL}{reverse('wallets:discovery')}",
        },
    )


@require_POST
@educator_required
def disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_connection_for_educator(request.user, pk)
    services.wallet_disconnect(connection=connection, actor=request.user)
    messages.success(request, f"{connection.client.client_name} is disconnected.")
    return redirect("wallets:connections")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What a connected wallet receives, and the terms of connecting one."""
    return render(request, "wallets/about.html", {"scope_words": settings.WALLET_SCOPES})
