"""What this app does when an app below it asks something (``submissions.signals``); connected
in ``apps.BadgesConfig.ready``."""

from django.urls import reverse

from artifacts import selectors as artifact_selectors
from credentials.signals import CatalogEndorsement
from submissions.models import Submission
from submissions.signals import PageSection

from . import selectors, services
from .models import Award


def plan_page_shown(sender, *, submission, **kwargs) -> PageSection | None:
    """An earned plan links to its certificate, its badge and its verification page (or says
    that the award was revoked or has expired); while the award is prepared, the progress note;
    before the plan is earned, where to choose the evidence its badge will show."""
    if submission.status != Submission.Status.EARNED:
        # An earned plan has an award (or is getting one); before that, the educator may choose
        # the evidence its badge will show.
        if not services.public_evidence_open(submission, has_award=False):
            return None
        # Before any evidence is accepted (a draft plan) there is nothing to describe yet; the
        # section says so instead of inviting a choice. Evidence described already stays
        # reachable.
        has_evidence = artifact_selectors.has_accepted_evidence(
            submission
        ) or selectors.has_public_evidence(submission)
        return PageSection(
            "badges/_plan_public_evidence.html",
            {"submission": submission, "has_evidence": has_evidence},
        )
    award = selectors.award_of_submission(submission)
    if award is not None and award.state == Award.State.ISSUED:
        return PageSection("badges/_plan_award.html", {"award": award})
    return PageSection(
        "badges/_plan_award.html",
        {"award": None, "waiting": selectors.earned_submission_waiting(submission)},
    )


def endorsements_asked(sender, *, entry, **kwargs) -> list[CatalogEndorsement]:
    """The endorsements of a catalog entry that stand, for its page."""
    return [
        CatalogEndorsement(
            endorser=endorsement.endorser.name,
            comment=endorsement.comment,
            given_on=endorsement.issued_at.date(),
            url=reverse("badges:endorsement_verify", kwargs={"endorsement_uuid": endorsement.uuid}),
        )
        for endorsement in selectors.standing_endorsements_of(entry)
    ]


def plan_page_renewal(sender, *, submission, **kwargs) -> PageSection | None:
    """A renewal's plan page says which award it renews and what the renewal asks."""
    if not submission.renews_id:
        return None
    renewed = selectors.award_of_submission(submission.renews)
    if renewed is None:
        return None
    return PageSection(
        "badges/_plan_renewal.html", {"renewed_award": renewed, "submission": submission}
    )
