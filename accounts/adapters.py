"""allauth adapters: districts invite their people; SSO is limited to a district's domains."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .models import District

SUSPENDED_MESSAGE = (
    "{district} is suspended on microcreds, so its people cannot sign in for now. Your plans, "
    "evidence and awards are kept. Ask your district office when it will be back."
)


def district_for_email(email: str) -> District | None:
    """The district whose SSO domains include the domain of ``email``, if any."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    for district in District.objects.exclude(email_domains=""):
        if domain in district.domain_list:
            return district
    return None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_ALLOW_SIGNUPS

    def pre_login(self, request, user, **kwargs):
        """A suspended district's people are refused with the reason, not as a wrong password
        (their password was right: ``backends`` kept them for this)."""
        if user.district_suspended:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, SUSPENDED_MESSAGE.format(district=user.district.name))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request) -> str:
        from .selectors import home_url_name_for

        return reverse(home_url_name_for(request.user))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google / Microsoft sign-in only for addresses of a district's own domains.

    The provider's ``hd`` / tenant hint is advice to the provider's login screen; the check that
    counts is made here, on the verified address the provider returns.
    """

    def pre_social_login(self, request, sociallogin) -> None:
        email = (sociallogin.user.email or "").lower()
        verified = any(a.verified for a in sociallogin.email_addresses) or bool(
            sociallogin.account.extra_data.get("email_verified", False)
        )
        district = district_for_email(email) if email else None
        existing = sociallogin.user.pk and sociallogin.user.district_id
        if district is None or not verified or (existing and existing != district.pk):
            messages.error(
                request,
                "This account's e-mail domain is not one of your district's. "
                "Sign in with your district account, or ask your district admin.",
            )
            raise ImmediateHttpResponse(redirect("account_login"))

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return district_for_email(sociallogin.user.email or "") is not None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.district = district_for_email(user.email or "")
        user.is_educator = True
        return user
