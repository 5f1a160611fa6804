"""A district admin's webhook pages: subscriptions (list, create, edit, disable, enable, delete,
rotate the secret) and each one's deliveries, with their answers and a replay."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import district_admin_required
from microcreds.pagination import paginate

from . import selectors, services
from .forms import SubscriptionForm
from .models import EMITTED_EVENTS, EventType, WebhookSubscription
from .permissions import get_delivery_for_admin, get_subscription_for_admin

PAGE_SIZE = 50


def _secret_key(subscription: WebhookSubscription) -> str:
    return f"webhook_secret_{subscription.pk}"


def _show_secret_once(request: HttpRequest, subscription: WebhookSubscription, secret: str) -> None:
    """The secret goes to the next view of the subscription's page, and never again."""
    request.session[_secret_key(subscription)] = secret


@require_GET
@district_admin_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "webhooks/list.html",
        {
            "subscriptions": selectors.subscriptions_of(district=request.user.district),
            "events": [(event, event in EMITTED_EVENTS) for event in EventType],
        },
    )


def _save(request: HttpRequest, form: SubscriptionForm, subscription: WebhookSubscription | None):
    """Create or change from a valid form; the saved subscription, or None with the service's
    refusal on the form."""
    fields = {
        "url": form.cleaned_data["url"],
        "description": form.cleaned_data["description"],
        "events": form.cleaned_data["events"],
        "actor": request.user,
    }
    try:
        if subscription is None:
            created, secret = services.subscription_create(district=request.user.district, **fields)
            _show_secret_once(request, created, secret)
            return created
        return services.subscription_update(subscription=subscription, **fields)
    except services.WebhookError as exc:
        form.add_error("url", str(exc))
        return None


@require_http_methods(["GET", "POST"])
@district_admin_required
def subscription_new(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, "The webhook was added. Copy its secret now.")
            return redirect("webhooks:detail", pk=saved.pk)
    return render(
        request, "webhooks/form.html", {"form": form, "title": "Add a webhook", "button": "Add"}
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for_admin(request.user, pk)
    initial = {
        "url": subscription.url,
        "description": subscription.description,
        "events": subscription.events,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, subscription) is not None:
            messages.success(request, "The webhook was saved.")
            return redirect("webhooks:detail", pk=subscription.pk)
    return render(
        request,
        "webhooks/form.html",
        {"form": form, "title": "Change a webhook", "button": "Save", "subscription": subscription},
    )


@never_cache
@require_GET
@district_admin_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for_admin(request.user, pk)
    page = paginate(request, selectors.deliveries_of(subscription=subscription), PAGE_SIZE)
    return render(
        request,
        "webhooks/detail.html",
        {
            "subscription": subscription,
            "secret": request.session.pop(_secret_key(subscription), None),
            "page": page,
        },
    )


@require_POST
@district_admin_required
def subscription_disable(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for_admin(request.user, pk)
    services.subscription_set_active(subscription=subscription, active=False, actor=request.user)
    messages.success(request, "The webhook is disabled: no event is sent to it until enabled.")
    return redirect("webhooks:detail", pk=subscription.pk)


@require_POST
@district_admin_required
def subscription_enable(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for_admin(request.user, pk)
    services.subscription_set_active(subscription=subscription, active=True, actor=request.user)
    messages.success(request, "The webhook is enabled again.")
    return redirect("webhooks:detail", pk=subscription.pk)


@require_POST
@district_admin_required
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for_admin(request.user, pk)
    secret = services.subscription_rotate_secret(subscription=subscription, actor=request.user)
    _show_secret_once(request, subscription, secret)
    messages.success(
        request, "A new secret was made; the old one still signs for 24 hours. Copy it now."
    )
    return redirect("webhooks:detail", pk=subscription.pk)


@require_POST
@district_admin_required
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for_admin(request.user, pk)
    services.subscription_delete(subscription=subscription, actor=request.user)
    messages.success(request, f"The webhook to {subscription.url} was deleted.")
    return redirect("webhooks:list")


@require_POST
@district_admin_required
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_admin(request.user, pk)
    try:
        services.delivery_replay(delivery=delivery, actor=request.user)
    except services.WebhookError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The {delivery.event_type} event is being sent again.")
    return redirect("webhooks:detail", pk=delivery.subscription_id)
