from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and districts"

    def ready(self) -> None:
        from allauth.mfa import signals as mfa

        from . import ratelimit, receivers

        mfa.authenticator_added.connect(receivers.second_factor_added)
        mfa.authenticator_removed.connect(receivers.second_factor_removed)
        ratelimit.install()
