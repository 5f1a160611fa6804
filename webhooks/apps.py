from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks: signed events sent to a district's other systems"

    def ready(self) -> None:
        from badges import signals as badge_signals
        from people import signals as people_signals
        from submissions import signals as submission_signals

        from . import receivers

        submission_signals.submission_moved.connect(
            receivers.submission_moved, dispatch_uid="webhooks_submission_moved"
        )
        badge_signals.award_issued.connect(
            receivers.award_issued, dispatch_uid="webhooks_award_issued"
        )
        badge_signals.award_revoked.connect(
            receivers.award_revoked, dispatch_uid="webhooks_award_revoked"
        )
        people_signals.person_moved.connect(
            receivers.person_moved, dispatch_uid="webhooks_person_moved"
        )
