from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from artifacts import signals as artifact_signals
        from badges import signals as badge_signals
        from submissions import signals as submission_signals

        from . import receivers
        from .stamps import install_after_migrate

        submission_signals.review_requested.connect(
            receivers.review_requested, dispatch_uid="reviews_assign_reviewers"
        )
        submission_signals.submission_moved.connect(
            receivers.submission_moved, dispatch_uid="reviews_rounds_cancel_on_leaving"
        )
        artifact_signals.reviewer_access_asked.connect(
            receivers.reviewer_access_asked, dispatch_uid="reviews_evidence_access"
        )
        submission_signals.plan_page_shown.connect(
            receivers.plan_page_shown, dispatch_uid="reviews_plan_page_feedback"
        )
        submission_signals.history_asked.connect(
            receivers.history_asked, dispatch_uid="reviews_plan_history"
        )
        badge_signals.rubric_levels_asked.connect(
            receivers.rubric_levels_asked, dispatch_uid="reviews_badge_rubric_levels"
        )

        # Triggers are not models: (re)created after every migrate, test databases included.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="reviews_stamps")
