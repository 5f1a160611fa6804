from django.apps import AppConfig


class ArtifactsConfig(AppConfig):
    name = "artifacts"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from submissions import signals

        from . import receivers, system_checks  # noqa: F401 - system_checks registers the checks

        signals.attempt_opened.connect(receivers.attempt_opened, dispatch_uid="artifacts_freeze")
        signals.results_checked.connect(
            receivers.results_checked, dispatch_uid="artifacts_evidence_missing"
        )
        signals.revisions_checked.connect(
            receivers.revisions_checked, dispatch_uid="artifacts_evidence_added"
        )
