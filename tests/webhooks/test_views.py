"""The district admin's webhook pages: subscribe (the secret shown once), change, disable,
delete, rotate; the deliveries with their answers, and replay. Who may reach each page is the
authorization matrix's (tests/authz/matrix.py)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from webhooks.models import EventType, WebhookDelivery, WebhookSubscription
from webhooks.services import event_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, district_admin, loopback_receivers):
    client.force_login(district_admin)
    return client


def publish(subscription, n: int = 1) -> None:
    for number in range(n):
        event_publish(
            district_id=subscription.district_id,
            event_type=EventType.AWARD_ISSUED,
            data=lambda number=number: {"award": {"id": str(number)}},
        )


def test_subscribing_shows_the_secret_once(admin_client, receiver):
    response = admin_client.post(
        reverse("webhooks:new"),
        {"url": receiver.url, "description": "HR", "events": ["award.issued", "award.revoked"]},
    )
    subscription = WebhookSubscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[subscription.pk])
    assert subscription.events == ["award.issued", "award.revoked"]
    assert subscription.secret.startswith("whsec_")

    first = admin_client.get(response["Location"]).content.decode()
    again = admin_client.get(response["Location"]).content.decode()
    assert subscription.secret in first
    assert subscription.secret not in again
    assert AuditEvent.objects.filter(action="webhook.subscribed").count() == 1


def test_a_plain_http_or_private_address_is_refused_on_the_form(client, district_admin, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    client.force_login(district_admin)
    for url, because in [
        ("http://93.184.215.14/hooks", "must start with https://"),
        ("https://169.254.169.254/latest/meta-data/", "private or local address"),
    ]:
        response = client.post(reverse("webhooks:new"), {"url": url, "events": ["award.issued"]})
        assert response.status_code == 200
        assert because in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_changing_disabling_enabling_and_deleting(admin_client, subscribe, receiver):
    subscription, _ = subscribe(receiver.url)
    admin_client.post(
        reverse("webhooks:edit", args=[subscription.pk]),
        {"url": receiver.url + "/v2", "description": "SIS", "events": ["plan.submitted"]},
    )
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events) == (receiver.url + "/v2", ["plan.submitted"])

    admin_client.post(reverse("webhooks:disable", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.active
    page = admin_client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "Disabled by a district admin." in page

    admin_client.post(reverse("webhooks:enable", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.active and subscription.disabled_reason == ""

    response = admin_client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert response["Location"] == reverse("webhooks:list")
    assert not WebhookSubscription.objects.exists()


def test_a_new_secret_is_shown_once_and_the_old_one_kept_for_a_day(
    admin_client, subscribe, receiver
):
    subscription, old_secret = subscribe(receiver.url)
    response = admin_client.post(reverse("webhooks:rotate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.secret != old_secret and subscription.previous_secret == old_secret
    page = admin_client.get(response["Location"]).content.decode()
    assert subscription.secret in page and old_secret not in page


def test_the_deliveries_page_shows_answers_and_replays(
    admin_client, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(receiver.url)
    receiver.status = 500
    receiver.answer = b'{"error": "the payroll database is down"}'
    with django_capture_on_commit_callbacks(execute=True):
        publish(subscription)
    delivery = WebhookDelivery.objects.get()

    page = admin_client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "HTTP 500" in page
    assert "the payroll database is down" in page
    assert "Waiting to be retried" in page
    assert reverse("webhooks:replay", args=[delivery.pk]) in page

    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("webhooks:replay", args=[delivery.pk]))
    assert response["Location"] == reverse("webhooks:detail", args=[subscription.pk])
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.last_status_code == 200
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.event_id] * 2


def test_the_pages_keep_their_number_of_queries(
    admin_client, subscribe, receiver, django_assert_max_num_queries
):
    subscriptions = [subscribe(receiver.url + f"/{n}")[0] for n in range(3)]
    publish(subscriptions[0], n=2)

    def counted(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    detail = reverse("webhooks:detail", args=[subscriptions[0].pk])
    few = (counted(reverse("webhooks:list")), counted(detail))
    for subscription in subscriptions:
        publish(subscription, n=30)
    many = (counted(reverse("webhooks:list")), counted(detail))
    assert few == many, (few, many)
    # The list: session, user, subscriptions; the page: those, its count and its deliveries.
    assert few == (3, 5)
    with django_assert_max_num_queries(5):
        admin_client.get(detail)
