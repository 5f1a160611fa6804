"""The notification pages: the list, the unread count, opening one and reading them all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification

from .factories import note_for

pytestmark = pytest.mark.django_db


def login_redirect(response):
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.fixture
def note(reviewer):
    return note_for(reviewer)


def unread_badge(response) -> str:
    """What the navigation says beside its Notifications link."""
    html = response.content.decode()
    link = html.index(">Notifications</a>")
    return html[link : html.index("</li>", link)]


def test_notifications_list_open_and_read(client, note, reviewer, other_educator):
    client.force_login(reviewer)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200 and response.context["unread"] == 1
    assert '1<span class="visually-hidden"> unread' in unread_badge(response)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert "unread" not in unread_badge(client.get(reverse("notifications:list")))
    client.force_login(other_educator)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405


def test_notifications_read_all_and_anonymous(client, note, reviewer):
    url = reverse("notifications:list")
    assert login_redirect(client.get(url))
    client.force_login(reviewer)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True, recipient=reviewer)


def test_every_page_shows_the_unread_count_without_asking_again(client, reviewer):
    """The count comes with the page (no second request per page), and it moves as soon as a
    notification arrives or is read."""
    client.force_login(reviewer)
    queue = reverse("reviews:queue")
    response = client.get(queue)
    assert "unread" not in unread_badge(response)
    assert "hx-get" not in unread_badge(response)
    first = note_for(reviewer, key="event:1")
    note_for(reviewer, key="event:2")
    assert '2<span class="visually-hidden"> unread' in unread_badge(client.get(queue))
    client.post(reverse("notifications:open", args=[first.pk]))
    assert '1<span class="visually-hidden"> unread' in unread_badge(client.get(queue))
    client.post(reverse("notifications:read_all"))
    assert "unread" not in unread_badge(client.get(queue))


def test_the_unread_count_costs_one_query_however_many_there_are(
    client, reviewer, django_assert_max_num_queries
):
    client.force_login(reviewer)
    url = reverse("notifications:list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        note_for(reviewer, key=f"event:{n}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert '30<span class="visually-hidden"> unread' in unread_badge(response)


def test_a_fragment_does_not_count(client, educator):
    """A fragment htmx swaps into the page (here the catalog's search results) has no
    navigation, and skips the count's query."""
    note_for(educator)
    client.force_login(educator)

    def counted(**headers) -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("credentials:catalog"), **headers).status_code == 200
        return any("notifications_notification" in q["sql"] for q in queries)

    assert counted()
    assert not counted(HTTP_HX_REQUEST="true")
