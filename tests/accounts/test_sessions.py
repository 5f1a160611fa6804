"""Sessions are read from the Redis cache and kept in the database: a Redis restart (here, a
flushed cache) signs nobody out."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.urls import reverse

CACHED_DB = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def signed_in(client, educator, password):
    client.post(reverse("account_login"), {"login": educator.email, "password": password})
    assert "_auth_user_id" in client.session
    return client


def test_with_redis_sessions_are_read_from_the_cache(signed_in):
    assert settings.SESSION_ENGINE == CACHED_DB
    key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(KEY_PREFIX + key) is not None


def test_a_session_survives_a_flushed_cache(signed_in):
    cache.clear()

    response = signed_in.get(reverse("submissions:dashboard"))

    assert response.status_code == 200
    key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    # Read from the database once, and cached again for the next request.
    assert cache.get(KEY_PREFIX + key) is not None
