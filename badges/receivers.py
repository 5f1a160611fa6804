"""What this app does when an app below it asks something (``submissions.signals``); connected
in ``apps.BadgesConfig.ready``."""

from submissions.models import Submission
from submissions.signals import PageSection

from . import selectors
from .models import Award


def plan_page_shown(sender, *, submission, **kwargs) -> PageSection | None:
    """An earned plan links to its certificate, its badge and its verification page (or says
    that the award was revoked or has expired); while the award is prepared, the progress note."""
    if submission.status != Submission.Status.EARNED:
        return None
    award = selectors.award_of_submission(submission)
    if award is not None and award.state == Award.State.ISSUED:
        return PageSection("badges/_plan_award.html", {"award": award})
    return PageSection(
        "badges/_plan_award.html",
        {"award": None, "waiting": selectors.earned_submission_waiting(submission)},
    )
