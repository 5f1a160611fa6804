"""Issue 14, finding 1: every way to set a password or sign a person in still asks for their
second factor. An invitation is for people who never signed in, works once, for a short time, and
only for the person as they were invited; a reset, a single sign-on link and an e-mail change
never sign anyone in past their authenticator."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse
from django.utils.http import int_to_base36

from accounts.models import AuditEvent, User
from outbox.models import Mail
from people.services import (
    PeopleError,
    invitation_person,
    invitation_send,
    invitation_tokens,
    person_invite,
)

LOGIN = "/accounts/login/"
NEW_PASSWORD = "a-long-new-secret-42"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def invitation_link(person: User) -> str:
    return reverse(
        "people:invitation_accept",
        kwargs={"uidb36": int_to_base36(person.pk), "token": invitation_tokens.make_token(person)},
    )


@pytest.fixture
def invitee(district_admin, building):
    return person_invite(
        actor=district_admin,
        email="ivy@pv.example.org",
        first_name="Ivy",
        last_name="Invited",
        building=building,
        is_educator=True,
    )


def second_factor_is_asked(client, response) -> None:
    """The response sends the person to the authenticator page, and nobody is signed in yet."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


# --- invitations ----------------------------------------------------------------------------


def test_reinviting_a_person_who_signed_in_is_refused(
    client, district_admin, educator, password, django_capture_on_commit_callbacks
):
    """The attack of the issue: the admin re-sends an invitation to someone with a password and
    TOTP. No mail goes out, no link exists, the page says why."""
    with_totp(educator)
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:person_resend", args=[educator.pk]), follow=True)
    assert "has already signed in, so no invitation was sent" in response.content.decode()
    assert not Mail.objects.exists()
    assert not AuditEvent.objects.filter(action="person.invited", target_id=educator.pk).exists()
    with pytest.raises(PeopleError):
        invitation_send(person=educator, actor=district_admin)


def test_a_person_with_a_password_but_no_sign_in_yet_is_not_invited_either(
    district_admin, educator
):
    assert educator.last_login is None and educator.has_usable_password()
    with pytest.raises(PeopleError, match="already signed in"):
        invitation_send(person=educator, actor=district_admin)


def test_an_invitation_link_works_once(client, invitee):
    link = invitation_link(invitee)
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(invitee.pk)
    client.logout()
    assert client.get(link).status_code == 404
    assert client.post(
        link, {"new_password1": "x" * 20, "new_password2": "x" * 20}
    ).status_code == (404)
    invitee.refresh_from_db()
    assert invitee.check_password(NEW_PASSWORD)


def test_an_invitation_link_dies_when_the_person_changes(client, invitee, district_admin):
    """Bound to the person as invited: a second factor, a new address, a move to another state
    (deactivated) or a newer invitation each void it."""
    link = invitation_link(invitee)
    TOTP.activate(invitee, generate_totp_secret())
    assert client.get(link).status_code == 404

    invitee.authenticator_set.all().delete()
    assert client.get(link).status_code == 200
    invitee.email = "ivy.renamed@pv.example.org"
    invitee.save(update_fields=["email"])
    assert client.get(link).status_code == 404

    link = invitation_link(invitee)
    invitation_send(person=invitee, actor=district_admin)
    assert client.get(link).status_code == 404, "a newer invitation voids the older link"


def test_an_invitation_link_is_short_lived(client, invitee, settings, monkeypatch):
    settings.INVITATION_TIMEOUT = 3600
    link = invitation_link(invitee)
    assert client.get(link).status_code == 200
    later = invitation_tokens._now().timestamp() + 3601
    from datetime import datetime

    monkeypatch.setattr(invitation_tokens, "_now", lambda: datetime.fromtimestamp(later))
    assert client.get(link).status_code == 404


def test_the_invitation_mail_says_how_long_the_link_works(
    district_admin, building, django_capture_on_commit_callbacks, mailoutbox, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        person_invite(
            actor=district_admin,
            email="hal@pv.example.org",
            first_name="Hal",
            last_name="Hours",
            building=building,
            is_educator=True,
        )
    assert f"for {settings.INVITATION_TIMEOUT // 3600} hours" in mailoutbox[0].body


def test_accepting_an_invitation_signs_in_through_the_login_stages(client, invitee, monkeypatch):
    """The accept view signs in the way allauth does (its stages, the second factor among
    them), never with a bare ``login()``: had the person a second factor, it would be asked."""
    from allauth.account.stages import LoginStageController

    seen = []
    handle = LoginStageController.handle
    monkeypatch.setattr(
        LoginStageController, "handle", lambda self: seen.append(self.login.user) or handle(self)
    )
    link = invitation_link(invitee)
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert seen == [invitee]


def test_no_invitation_person_for_someone_who_signed_in(invitee):
    token = invitation_tokens.make_token(invitee)
    uid = int_to_base36(invitee.pk)
    assert invitation_person(uidb36=uid, token=token) == invitee
    User.objects.filter(pk=invitee.pk).update(last_login="2026-01-05T08:00:00Z")
    assert invitation_person(uidb36=uid, token=token) is None


# --- password reset -----------------------------------------------------------------------


def test_a_password_reset_still_asks_for_the_second_factor(
    client, educator, mailoutbox, django_capture_on_commit_callbacks
):
    secret = with_totp(educator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": educator.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body)
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session, "a reset never signs in by itself"

    signing_in = client.post(LOGIN, {"login": educator.email, "password": NEW_PASSWORD})
    second_factor_is_asked(client, signing_in)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(educator.pk)


# --- single sign-on ---------------------------------------------------------------------------


def test_single_sign_on_to_an_account_with_a_second_factor_asks_for_it(
    educator, district, settings
):
    """A verified Google address of the district's domain connects to the existing account
    (SOCIALACCOUNT_EMAIL_AUTHENTICATION): that is a sign-in, and the second factor is asked."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "APPS": [{"client_id": "test-client", "secret": "test-secret", "key": ""}],
            "EMAIL_AUTHENTICATION": True,
        }
    }
    district.email_domains = "pv.example.org"
    district.save(update_fields=["email_domains"])
    with_totp(educator)
    request = RequestFactory().get("/accounts/google/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    account = SocialAccount(provider="google", uid="sso-1", extra_data={"email_verified": True})
    provider = get_social_adapter().get_provider(request, "google")
    login = SocialLogin(user=User(email=educator.email), account=account, provider=provider)
    login.email_addresses = [EmailAddress(email=educator.email, verified=True, primary=True)]
    login.state = {"process": "login", "next": "/"}

    with request_context(request):
        response = complete_social_login(request, login)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in request.session


# --- e-mail change --------------------------------------------------------------------------


def test_an_account_with_a_second_factor_cannot_add_an_address(
    client, educator, password, mailoutbox, django_capture_on_commit_callbacks
):
    secret = with_totp(educator)
    client.post(LOGIN, {"login": educator.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("account_email"), {"action_add": "", "email": "new@pv.example.org"}
        )
    assert "protected by two-factor authentication" in refused.content.decode()
    assert not EmailAddress.objects.filter(email="new@pv.example.org").exists()
    assert not mailoutbox


def test_confirming_a_new_address_signs_nobody_in(
    client, educator, password, mailoutbox, django_capture_on_commit_callbacks, settings
):
    assert settings.ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION is False
    client.force_login(educator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "new@pv.example.org"})
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[-1].body)
    secret = with_totp(educator)
    client.logout()

    confirmed = client.post(link.group(1))
    assert confirmed.status_code == 302
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.get(email="new@pv.example.org").verified
    second_factor_is_asked(
        client, client.post(LOGIN, {"login": "new@pv.example.org", "password": password})
    )
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(educator.pk)
