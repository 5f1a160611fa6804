"""Writes of the webhooks app: a district's subscriptions; recording an event for them in the
transaction of the change; sending, retrying and replaying each delivery.

Delivery is at least once on the wire and once from our side: a delivery row is sent under its
row lock until a receiver answers 2xx, then never again by itself (a replay is the admin's
explicit request). Every attempt carries the same ``webhook-id``, so a receiver that keeps the
ids it has seen processes each event once even when a response was lost on the way back.
"""

import http.client
import json
import logging
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import District, Role, User
from accounts.services import audit_record
from outbox.services import outbox_enqueue

from . import signing
from .addresses import ReceiverRefused, connect_checked, receiver_url_check
from .events import envelope
from .models import EventType, WebhookDelivery, WebhookSubscription, new_event_id

logger = logging.getLogger(__name__)


class WebhookError(Exception):
    """A request the rules refuse; its message is for the district admin."""


# After a rotation the old secret keeps signing this long beside the new one.
SECRET_OVERLAP = timedelta(hours=24)
# The retries: the first a little after the failure, each delay twice the one before (at most
# MAX_DELAY), for RETRY_FOR after the event (or the replay); one last attempt at its end.
RETRY_FIRST_DELAY = timedelta(seconds=30)
RETRY_MAX_DELAY = timedelta(hours=4)
RETRY_FOR = timedelta(days=1)
# Each retry comes up to this fraction of its wait later, at random, so that the deliveries a
# receiver's outage failed together do not all come back at the same second when it recovers.
RETRY_JITTER = 0.1
# What is kept of a receiver's answer.
EXCERPT_BYTES = 1000
# Deliveries handed to workers per beat run; the next run takes the rest.
DUE_BATCH = 500
# A due delivery handed to a worker that has not been attempted this long after is handed
# again (the task was lost with a broker or a worker).
HANDED_LEASE = timedelta(minutes=5)


def _require_admin(actor: User, district_id: int) -> None:
    if not actor.has_role(Role.DISTRICT_ADMIN) or actor.district_id != district_id:
        raise PermissionDenied("Only a district admin of this district can manage its webhooks.")


def _check_url(url: str) -> None:
    try:
        receiver_url_check(url)
    except ReceiverRefused as exc:
        raise WebhookError(str(exc)) from exc


def _check_events(events: list[str]) -> list[str]:
    chosen = [event for event in EventType.values if event in set(events)]
    if not chosen:
        raise WebhookError("Choose at least one event.")
    return chosen


# --- Subscriptions ------------------------------------------------------------------------------


def subscription_create(
    *, district: District, url: str, description: str, events: list[str], actor: User
) -> tuple[WebhookSubscription, str]:
    """Subscribe ``url`` to ``events``; returns the subscription and its secret (shown once)."""
    _require_admin(actor, district.pk)
    _check_url(url)
    events = _check_events(events)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            district=district,
            url=url,
            description=description,
            events=events,
            secret=signing.secret_new(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="webhook.subscribed",
            target=subscription,
            district=district,
            detail={"url": url, "events": events},
        )
    return subscription, subscription.secret


def subscription_update(
    *, subscription: WebhookSubscription, url: str, description: str, events: list[str], actor: User
) -> WebhookSubscription:
    _require_admin(actor, subscription.district_id)
    _check_url(url)
    events = _check_events(events)
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        locked.url, locked.description, locked.events = url, description, events
        locked.save(update_fields=["url", "description", "events", "updated_at"])
        audit_record(
            actor=actor,
            action="webhook.changed",
            target=locked,
            district=locked.district,
            detail={"url": url, "events": events},
        )
    return locked


def subscription_set_active(
    *, subscription: WebhookSubscription, active: bool, actor: User | None, reason: str = ""
) -> WebhookSubscription:
    """Disable a subscription (it gets no new event, and what it still owes waits) or enable
    it again. ``actor`` None: the system, when the receiver answered 410 Gone."""
    if actor is not None:
        _require_admin(actor, subscription.district_id)
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.active == active:
            return locked
        locked.active = active
        locked.disabled_reason = "" if active else (reason or "Disabled by a district admin.")
        locked.save(update_fields=["active", "disabled_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="webhook.enabled" if active else "webhook.disabled",
            target=locked,
            district=locked.district,
            from_status="disabled" if active else "active",
            to_status="active" if active else "disabled",
            detail={"reason": locked.disabled_reason} if not active else None,
        )
    return locked


def subscription_delete(*, subscription: WebhookSubscription, actor: User) -> None:
    """Delete a subscription and its deliveries (what it was still owed is not sent)."""
    _require_admin(actor, subscription.district_id)
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        audit_record(
            actor=actor,
            action="webhook.deleted",
            target=locked,
            district=locked.district,
            detail={"url": locked.url, "events": locked.events},
        )
        locked.delete()


def subscription_rotate_secret(*, subscription: WebhookSubscription, actor: User) -> str:
    """A new secret (returned, shown once); the old one signs too for ``SECRET_OVERLAP``."""
    _require_admin(actor, subscription.district_id)
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_until = timezone.now() + SECRET_OVERLAP
        locked.secret = signing.secret_new()
        locked.save(
            update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
        )
        audit_record(
            actor=actor, action="webhook.secret_rotated", target=locked, district=locked.district
        )
    return locked.secret


# --- Events -------------------------------------------------------------------------------------


def event_publish(
    *,
    district_id: int,
    event_type: str,
    data: Callable[[], dict[str, Any]],
    at: datetime | None = None,
) -> list[WebhookDelivery]:
    """Record one event for every active subscription of the district that asked for it, and
    queue each delivery for after the commit. Call it inside the transaction of the change:
    the deliveries exist exactly when the change does. ``data`` makes the event's data; it is
    only called when someone subscribed (a move nobody listens to costs one query)."""
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(district_id=district_id, active=True)
        if event_type in subscription.events
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    payload = envelope(event_type=event_type, at=at or now, data=data())
    event_id = new_event_id()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=subscription,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            retry_from=now,
            next_attempt_at=now,
            handed_at=now,
        )
        for subscription in subscriptions
    )
    from .tasks import deliver_webhook

    for delivery in deliveries:
        outbox_enqueue(task=deliver_webhook, args=[delivery.pk])
    return deliveries


# --- Sending ------------------------------------------------------------------------------------


def retry_schedule() -> list[timedelta]:
    """When the retries of a failed delivery come, counted from its event (or replay)."""
    offsets, delay, at = [], RETRY_FIRST_DELAY, timedelta(0)
    while at + delay < RETRY_FOR:
        at += delay
        offsets.append(at)
        delay = min(delay * 2, RETRY_MAX_DELAY)
    offsets.append(RETRY_FOR)
    return offsets


def next_attempt(
    *,
    retry_from: datetime,
    now: datetime,
    retry_after: int | None = None,
    spread: float | None = None,
) -> datetime | None:
    """When a delivery that failed at ``now`` is tried again; None once its day is over: the
    next step of the schedule, up to ``RETRY_JITTER`` of the wait later (``spread``, 0 to 1,
    random unless given). A receiver's ``Retry-After`` (seconds) can only push the retry later;
    nothing goes past the day."""
    later = [retry_from + offset for offset in retry_schedule() if retry_from + offset > now]
    if not later:
        return None
    if spread is None:
        spread = random.random()
    at = later[0] + (later[0] - now) * RETRY_JITTER * spread
    if retry_after:
        at = max(at, now + timedelta(seconds=retry_after))
    return min(at, retry_from + RETRY_FOR)


@dataclass(frozen=True)
class Answer:
    """What one attempt got back: a status code and the start of the body, or an error."""

    status: int | None = None
    excerpt: str = ""
    error: str = ""
    retry_after: int | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(payload: dict[str, Any]) -> bytes:
    """The bytes sent and signed: compact JSON, the same for every attempt."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _retry_after(response: http.client.HTTPResponse) -> int | None:
    value = (response.getheader("Retry-After") or "").strip()
    return int(value) if value.isdigit() else None


def _post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST once, never following a redirect (a 3xx is a failure, as the spec says)."""
    parts = urlsplit(url)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    # The address rule again, on the very address connected to.
    connection._create_connection = connect_checked  # type: ignore[attr-defined]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "microcreds-webhooks/1",
                **headers,
            },
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        return Answer(status=response.status, excerpt=excerpt, retry_after=_retry_after(response))
    except ReceiverRefused as exc:
        return Answer(error=str(exc))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(error=f"{exc.__class__.__name__}: {exc}"[:500])
    finally:
        connection.close()


def _secrets_in_use(subscription: WebhookSubscription, now: datetime) -> list[str]:
    in_use = [subscription.secret]
    if subscription.previous_secret and (subscription.previous_secret_until or now) > now:
        in_use.append(subscription.previous_secret)
    return in_use


def delivery_attempt(*, delivery_id: int) -> bool:
    """Send a delivery that is due, under its row lock; True if the receiver took it now.

    A delivery another worker holds, one delivered or not due (its retry is later) or one of a
    disabled subscription is left alone, so a task that runs twice sends nothing twice. A
    failure schedules the next retry, or gives up at the end of the day; a 410 Gone disables
    the subscription, as Standard Webhooks asks."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id, next_attempt_at__lte=timezone.now(), subscription__active=True)
            .first()
        )
        if delivery is None:
            return False
        subscription = delivery.subscription
        body = body_of(delivery.payload)
        now = timezone.now()
        headers = signing.headers(
            secrets_in_use=_secrets_in_use(subscription, now),
            event_id=delivery.event_id,
            timestamp=int(time.time()),
            body=body,
        )
        answer = _post(subscription.url, body, headers)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = answer.status
        delivery.last_response_excerpt = answer.excerpt
        delivery.last_error = answer.error
        if answer.delivered:
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = next_attempt(
                retry_from=delivery.retry_from, now=now, retry_after=answer.retry_after
            )
            if delivery.next_attempt_at is None:
                delivery.gave_up_at = now
        delivery.save(
            update_fields=[
                "attempts",
                "last_attempt_at",
                "last_status_code",
                "last_response_excerpt",
                "last_error",
                "delivered_at",
                "next_attempt_at",
                "gave_up_at",
            ]
        )
        if answer.status == 410:
            subscription_set_active(
                subscription=subscription,
                active=False,
                actor=None,
                reason="The receiver answered 410 Gone: it no longer wants these events.",
            )
    if not answer.delivered:
        logger.info(
            "Webhook %s to %s failed (%s); next attempt %s",
            delivery.event_id,
            subscription.url,
            answer.status or answer.error,
            delivery.next_attempt_at,
        )
    return answer.delivered


def deliveries_due_send(*, limit: int = DUE_BATCH) -> int:
    """Celery beat: hand each delivery whose retry has come to a worker, through the outbox,
    once per attempt (again after ``HANDED_LEASE`` if that task seems lost: a first send lost
    with the process after the commit is found here too); returns how many were handed."""
    from .tasks import deliver_webhook

    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        Q(handed_at__isnull=True)
        | Q(handed_at__lt=F("next_attempt_at"))
        | Q(handed_at__lt=now - HANDED_LEASE),
        next_attempt_at__lte=now,
        subscription__active=True,
    )
    handed = 0
    for pk in list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            # Claimed by the update that still finds it due: two scans hand it once.
            claimed = due.filter(pk=pk).update(handed_at=now)
            if claimed:
                outbox_enqueue(task=deliver_webhook, args=[pk])
                handed += claimed
    return handed


def delivery_replay(*, delivery: WebhookDelivery, actor: User) -> WebhookDelivery:
    """Send a delivery again, same event and ``webhook-id``, now: after the receiver lost it,
    or after a day of failures. Its retries start over from the replay."""
    subscription = delivery.subscription
    _require_admin(actor, subscription.district_id)
    if not subscription.active:
        raise WebhookError("This subscription is disabled: enable it before replaying.")
    from .tasks import deliver_webhook

    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        now = timezone.now()
        locked.retry_from = now
        locked.next_attempt_at = now
        locked.gave_up_at = None
        locked.handed_at = now
        locked.replays += 1
        locked.save(
            update_fields=["retry_from", "next_attempt_at", "handed_at", "gave_up_at", "replays"]
        )
        audit_record(
            actor=actor,
            action="webhook.replayed",
            target=locked,
            district=subscription.district,
            detail={"event_id": locked.event_id, "event_type": locked.event_type},
        )
        outbox_enqueue(task=deliver_webhook, args=[locked.pk])
    return locked
