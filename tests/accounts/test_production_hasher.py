"""The suite hashes test passwords quickly; this signs a person in through the hasher that
production uses, so a broken production hasher (a missing library, a bad setting) fails here."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django.urls import reverse

from tests.accounts.factories import PASSWORD, EducatorFactory
from tests.conftest import PRODUCTION_PASSWORD_HASHERS


@pytest.mark.django_db
def test_a_person_signs_in_with_a_password_hashed_by_the_production_hasher(client):
    assert PRODUCTION_PASSWORD_HASHERS, "the production hashers were not recorded"
    with override_settings(PASSWORD_HASHERS=PRODUCTION_PASSWORD_HASHERS):
        educator = EducatorFactory(email="real.hash@example.org")
        educator.refresh_from_db()
        production = PRODUCTION_PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
        assert type(identify_hasher(educator.password)).__name__ == production
        response = client.post(
            reverse("account_login"), {"login": educator.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(educator.pk)
