"""Redis down: the cache is a miss, not an error. Sessions come from the database (cached_db),
sign-in works, report figures are computed afresh."""

import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    # Only Redis goes down: each process's own fragments cache stays as the settings make it.
    caches = {
        **settings.CACHES,
        "default": {
            "BACKEND": "microcreds.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    with override_settings(
        CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        yield


def test_the_cache_answers_a_miss(redis_down):
    cache.set("figure", 42)
    assert cache.get("figure", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("figure")


def test_people_sign_in_and_use_their_pages(redis_down, client, educator, district_admin):
    response = client.post(
        reverse("account_login"), {"login": educator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("submissions:dashboard")).status_code == 200
    client.force_login(district_admin)
    assert client.get(reverse("reports:salary")).status_code == 200
    assert client.get(reverse("people:admin_dashboard")).status_code == 200
