from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"

    def ready(self) -> None:
        from credentials import signals as catalog_signals

        from . import receivers

        catalog_signals.open_plan_asked.connect(
            receivers.open_plan_asked, dispatch_uid="submissions_open_plan"
        )
