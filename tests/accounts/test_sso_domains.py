"""Google / Microsoft sign-in: the district's e-mail domains are enforced by our adapter."""

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from accounts.adapters import SocialAccountAdapter, district_for_email
from accounts.models import User


def social_login(email: str, verified: bool = True, user: User | None = None) -> SocialLogin:
    from allauth.account.models import EmailAddress

    account = SocialAccount(provider="google", uid="123", extra_data={"email_verified": verified})
    login = SocialLogin(user=user or User(email=email), account=account)
    login.email_addresses = [EmailAddress(email=email, verified=verified, primary=True)]
    return login


@pytest.fixture
def sso_request(db):
    request = RequestFactory().get("/accounts/google/login/callback/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def district_with_domain(district):
    district.email_domains = "pv.example.org, staff.pv.example.org"
    district.save()
    return district


def test_an_address_of_the_district_domain_is_let_in_as_an_educator(
    sso_request, district_with_domain
):
    adapter = SocialAccountAdapter()
    login = social_login("new.teacher@staff.pv.example.org")
    adapter.pre_social_login(sso_request, login)
    assert adapter.is_open_for_signup(sso_request, login)
    user = adapter.populate_user(sso_request, login, {"email": login.user.email})
    assert user.district == district_with_domain
    assert user.is_educator


def test_another_domain_is_refused_whatever_the_provider_hinted(sso_request, district_with_domain):
    with pytest.raises(ImmediateHttpResponse) as refused:
        SocialAccountAdapter().pre_social_login(sso_request, social_login("someone@gmail.com"))
    assert refused.value.response["Location"] == "/accounts/login/"


def test_an_unverified_address_is_refused(sso_request, district_with_domain):
    with pytest.raises(ImmediateHttpResponse):
        SocialAccountAdapter().pre_social_login(
            sso_request, social_login("teacher@pv.example.org", verified=False)
        )


def test_a_person_of_another_district_cannot_use_this_districts_domain(
    sso_request, district_with_domain, outsider_educator
):
    login = social_login("teacher@pv.example.org", user=outsider_educator)
    with pytest.raises(ImmediateHttpResponse):
        SocialAccountAdapter().pre_social_login(sso_request, login)


def test_lookalike_domains_do_not_match(district_with_domain):
    assert district_for_email("a@pv.example.org") == district_with_domain
    assert district_for_email("a@evilpv.example.org") is None
    assert district_for_email("a@pv.example.org.evil.com") is None
