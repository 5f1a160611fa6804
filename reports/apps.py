from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from accounts import signals as account_signals
        from badges import signals as badge_signals
        from people import signals as people_signals
        from submissions import signals

        from . import receivers
        from .stamps import install_after_migrate

        people_signals.dashboard_figures_asked.connect(
            receivers.dashboard_figures_asked, dispatch_uid="reports_dashboard_figures"
        )
        people_signals.dashboard_counts_asked.connect(
            receivers.dashboard_counts_asked, dispatch_uid="reports_dashboard_counts"
        )
        signals.dashboard_shown.connect(receivers.dashboard_shown, dispatch_uid="reports_progress")
        people_signals.person_moved.connect(
            receivers.person_moved, dispatch_uid="reports_salary_moved_in"
        )
        account_signals.district_settings_changed.connect(
            receivers.district_settings_changed, dispatch_uid="reports_salary_setting_on"
        )
        badge_signals.award_issued.connect(
            receivers.award_issued, dispatch_uid="reports_salary_award_issued"
        )
        badge_signals.award_revoked.connect(
            receivers.award_revoked, dispatch_uid="reports_salary_award_revoked"
        )

        # Triggers are not models: (re)created after every migrate, test databases included.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="reports_stamps")
