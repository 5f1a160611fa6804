"""The notification pages: the list, the unread count, opening one and reading them all."""

import pytest
from django.urls import reverse

from notifications.models import Notification

from .factories import note_for

pytestmark = pytest.mark.django_db


def login_redirect(response):
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.fixture
def note(reviewer):
    return note_for(reviewer)


def test_notifications_list_open_and_read(client, note, reviewer, other_educator):
    client.force_login(reviewer)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200 and response.context["unread"] == 1
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert "1" in badge and "unread" in badge
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert "unread" not in client.get(reverse("notifications:badge")).content.decode()
    client.force_login(other_educator)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405


def test_notifications_read_all_and_anonymous(client, note, reviewer):
    url = reverse("notifications:list")
    assert login_redirect(client.get(url))
    client.force_login(reviewer)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True, recipient=reviewer)
