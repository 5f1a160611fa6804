from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"

    def ready(self) -> None:
        from credentials import signals as credential_signals
        from submissions import signals as submission_signals

        from . import receivers

        submission_signals.plan_page_shown.connect(
            receivers.plan_page_shown, dispatch_uid="badges_plan_page_award"
        )
        credential_signals.endorsements_asked.connect(
            receivers.endorsements_asked, dispatch_uid="badges_catalog_endorsements"
        )
        submission_signals.plan_page_shown.connect(
            receivers.plan_page_renewal, dispatch_uid="badges_plan_page_renewal"
        )
