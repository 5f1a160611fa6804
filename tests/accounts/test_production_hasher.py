"""The suite hashes test passwords quickly; these sign people in through the hashers production
uses, so a broken production hasher (a missing library, a bad setting) fails here, and so does a
stored hash that is not upgraded to Argon2id at the next sign-in."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from accounts.hashers import Argon2idPasswordHasher
from tests.accounts.factories import PASSWORD, EducatorFactory
from tests.conftest import PRODUCTION_PASSWORD_HASHERS

# OWASP Password Storage Cheat Sheet: Argon2id, at least 19 MiB of memory, 2 passes, 1 lane.
ARGON2ID_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers():
    assert PRODUCTION_PASSWORD_HASHERS, "the production hashers were not recorded"
    with override_settings(PASSWORD_HASHERS=PRODUCTION_PASSWORD_HASHERS):
        yield


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_a_person_signs_in_with_a_password_hashed_by_argon2id(client, production_hashers):
    educator = EducatorFactory(email="real.hash@example.org")
    educator.refresh_from_db()
    assert isinstance(identify_hasher(educator.password), Argon2idPasswordHasher)
    assert educator.password.startswith(ARGON2ID_OWASP)
    response = sign_in(client, educator.email)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(educator.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old_hash",
    [
        pytest.param(lambda: make_password(PASSWORD, hasher="pbkdf2_sha256"), id="pbkdf2"),
        pytest.param(
            lambda: Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt()),
            id="argon2-django-defaults",
        ),
    ],
)
def test_an_older_hash_is_upgraded_at_the_next_sign_in(client, production_hashers, old_hash):
    educator = EducatorFactory(email="old.hash@example.org")
    educator.password = old_hash()
    educator.save(update_fields=["password"])
    assert not educator.password.startswith(ARGON2ID_OWASP)

    response = sign_in(client, educator.email)

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(educator.pk)
    educator.refresh_from_db()
    assert educator.password.startswith(ARGON2ID_OWASP)
    assert educator.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_wrong_password_leaves_an_older_hash_alone(client, production_hashers):
    educator = EducatorFactory(email="old.hash@example.org")
    educator.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    educator.save(update_fields=["password"])

    sign_in(client, educator.email, "not-the-password")

    educator.refresh_from_db()
    assert educator.password.startswith("pbkdf2_sha256$")
    assert "_auth_user_id" not in client.session
