from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from submissions import signals

        from . import receivers
        from .stamps import install_after_migrate

        signals.dashboard_shown.connect(receivers.dashboard_shown, dispatch_uid="reports_progress")

        # Triggers are not models: (re)created after every migrate, test databases included.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="reports_stamps")
