"""Two-factor sign-in with TOTP and recovery codes; e-mail verification before first sign-in."""

import time

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

LOGIN = "/accounts/login/"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_is_asked_for_after_the_password_and_lets_the_right_code_in(
    client, educator, password
):
    secret = generate_totp_secret()
    TOTP.activate(educator, secret)
    response = client.post(LOGIN, {"login": educator.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200

    right = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(educator.pk)


def test_a_recovery_code_signs_in_once(client, educator, password):
    TOTP.activate(educator, generate_totp_secret())
    codes = RecoveryCodes.activate(educator).get_unused_codes()
    assert len(codes) == 10
    client.post(LOGIN, {"login": educator.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(educator.pk)

    client.post("/accounts/logout/")
    client.post(LOGIN, {"login": educator.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "_auth_user_id" not in client.session


def test_unverified_email_cannot_sign_in_until_verified(client, educator, password, settings):
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    EmailAddress.objects.filter(user=educator).update(verified=False)
    response = client.post(LOGIN, {"login": educator.email, "password": password})
    assert "_auth_user_id" not in client.session
    assert response["Location"] == reverse("account_email_verification_sent")


def test_security_page_offers_two_factor_setup(client, educator):
    client.force_login(educator)
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "Authenticator" in response.content.decode()


def test_the_two_factor_pages_are_ours_with_spaced_buttons_and_a_way_back(
    client, educator, password
):
    back = f'<a href="{reverse("accounts:profile")}">Back to My account</a>'
    client.force_login(educator)
    # Changing a second factor asks for the password again (allauth's reauthentication).
    client.post(reverse("account_reauthenticate"), {"password": password})
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200 and back in activate.content.decode()
    assert 'class="site-header"' in activate.content.decode()
    secret = activate.context["form"].secret
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated.status_code == 302

    for name in ("mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_index"):
        html = client.get(reverse(name)).content.decode()
        assert back in html, name
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    row = codes.split('<p class="button-row">')[1].split("</p>")[0]
    assert f'<a class="button" href="{reverse("mfa_download_recovery_codes")}">' in row
    assert f'class="button secondary" href="{reverse("mfa_generate_recovery_codes")}"' in row


def test_turning_on_a_second_factor_ends_the_sessions_signed_in_with_the_password_alone(
    client, educator, password, django_capture_on_commit_callbacks
):
    from django.test import Client

    from accounts.models import AuditEvent

    elsewhere = Client()
    elsewhere.force_login(educator)
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200
    client.force_login(educator)
    client.post(reverse("account_reauthenticate"), {"password": password})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated.status_code == 302
    # The browser that turned it on stays signed in; the other one is signed out.
    assert client.get(reverse("accounts:profile")).status_code == 200
    other = elsewhere.get(reverse("accounts:profile"))
    assert other.status_code == 302 and other["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(
        action="sessions.ended_elsewhere", target_id=educator.pk
    ).exists()
    # Signing in there again now asks for the code.
    response = elsewhere.post(LOGIN, {"login": educator.email, "password": password})
    assert response["Location"] == reverse("mfa_authenticate")


def test_a_person_who_never_changed_a_second_factor_keeps_djangos_session_hash(educator):
    from django.contrib.auth.base_user import AbstractBaseUser

    # Sessions made before the generation existed stay valid.
    assert educator.session_generation == 0
    assert educator.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(educator)
