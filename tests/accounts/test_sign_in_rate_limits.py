"""Sign-in limits sized for a district behind one NAT address, that still stop guessing."""

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.test import Client, override_settings

from tests.accounts.factories import PASSWORD, EducatorFactory

LOGIN = "/accounts/login/"
SCHOOL_NAT = "203.0.113.10"


def sign_in(email: str, password: str = PASSWORD, **headers) -> Client:
    client = Client(**headers)
    client.post(LOGIN, {"login": email, "password": password})
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def failed_limit(per: str) -> int:
    (rate,) = [r for r in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"]) if r.per == per]
    return rate.amount


@pytest.mark.django_db
def test_forty_people_behind_one_address_all_sign_in_within_a_minute():
    people = EducatorFactory.create_batch(40)
    clients = [sign_in(p.email, REMOTE_ADDR=SCHOOL_NAT) for p in people]
    assert all(signed_in(c) for c in clients)


@pytest.mark.django_db
def test_guessing_one_account_is_refused_but_not_the_colleagues_behind_the_same_address():
    target, colleague = EducatorFactory.create_batch(2)
    for _ in range(failed_limit("key")):
        assert not signed_in(sign_in(target.email, "guess", REMOTE_ADDR=SCHOOL_NAT))

    refused = Client(REMOTE_ADDR=SCHOOL_NAT)
    response = refused.post(LOGIN, {"login": target.email, "password": PASSWORD})
    assert not signed_in(refused)
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in(sign_in(colleague.email, REMOTE_ADDR=SCHOOL_NAT))


@pytest.mark.django_db
def test_guessing_many_accounts_from_one_address_is_refused():
    person = EducatorFactory()
    for n in range(failed_limit("ip")):
        sign_in(f"someone{n}@example.org", "guess", REMOTE_ADDR="198.51.100.66")
    assert not signed_in(sign_in(person.email, REMOTE_ADDR="198.51.100.66"))
    assert signed_in(sign_in(person.email, REMOTE_ADDR=SCHOOL_NAT))


@pytest.fixture
def three_sign_ins_per_address():
    limits = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    with override_settings(ACCOUNT_RATE_LIMITS=limits):
        yield


@pytest.mark.django_db
def test_behind_a_trusted_proxy_limits_count_each_forwarded_client(three_sign_ins_per_address):
    people = EducatorFactory.create_batch(5)
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        from_school = [
            sign_in(p.email, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=SCHOOL_NAT)
            for p in people[:3]
        ]
        over = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=SCHOOL_NAT)
        response = over.post(LOGIN, {"login": people[3].email, "password": PASSWORD})
        # A client's own X-Forwarded-For entry is ignored: the proxy's last entry counts.
        elsewhere = sign_in(
            people[4].email,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{SCHOOL_NAT}, 198.51.100.7",
        )
    assert all(signed_in(c) for c in from_school)
    assert response.status_code == 429
    assert signed_in(elsewhere)


@pytest.mark.django_db
def test_without_a_trusted_proxy_x_forwarded_for_buys_no_more_sign_ins(
    three_sign_ins_per_address,
):
    people = EducatorFactory.create_batch(4)
    for n, person in enumerate(people[:3]):
        assert signed_in(sign_in(person.email, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"))
    client = Client(HTTP_X_FORWARDED_FOR="198.51.100.99")
    response = client.post(LOGIN, {"login": people[3].email, "password": PASSWORD})
    assert response.status_code == 429
    assert not signed_in(client)
