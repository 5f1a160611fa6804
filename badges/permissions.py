"""Object-level access to awards: anything of another district is a 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import require_role
from credentials.models import MicroCredential
from submissions.models import Submission

from .models import Award, Endorsement
from .selectors import (
    awards_for_district,
    awards_for_educator,
    endorsable_entries,
    endorsements_given,
    endorser_of,
    issuance_overdue_for_district,
    with_issuance_wait,
)


def get_award_for_user(user: User, award_uuid) -> Award:
    """The signed-in educator's own award (another person's or district's: 404)."""
    require_role(user, Role.EDUCATOR)
    award = awards_for_educator(user).filter(uuid=award_uuid).first()
    if award is None:
        raise Http404("No such award.")
    return award


def get_award_for_admin(user: User, award_uuid) -> Award:
    """An award of the district admin's own district (else 404)."""
    require_role(user, Role.DISTRICT_ADMIN)
    award = awards_for_district(user).filter(uuid=award_uuid).first()
    if award is None:
        raise Http404("No such award.")
    return award


def get_earned_submission_for_user(user: User, submission_id: int) -> Submission:
    """The educator's own earned submission, of any district (anything else: 404), ready for
    the progress note: what they earned stays theirs after a move."""
    require_role(user, Role.EDUCATOR)
    submission = (
        with_issuance_wait(
            Submission.objects.filter(
                pk=submission_id,
                educator=user,
                status=Submission.Status.EARNED,
            )
        )
        .select_related("plan__microcredential")
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


def get_own_submission_for_user(user: User, submission_id: int) -> Submission:
    """The signed-in educator's own submission of their district, in any status (anything
    else: 404). One of a district they left is that district's record now."""
    require_role(user, Role.EDUCATOR)
    submission = (
        Submission.objects.filter(pk=submission_id, district_id=user.district_id, educator=user)
        .select_related("plan__microcredential")
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


def get_late_submission_for_admin(user: User, submission_id: int) -> Submission:
    """An earned submission of the district admin's district whose certificate is not issued
    yet (anything else, issued meanwhile included: 404)."""
    require_role(user, Role.DISTRICT_ADMIN)
    submission = (
        issuance_overdue_for_district(user, decided_before=timezone.now())
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404("No certificate of your district is waiting to be issued under this id.")
    return submission


def require_endorser(user: User) -> None:
    """403 unless ``user`` endorses for a state office or a district (their admins)."""
    if endorser_of(user) is None:
        raise PermissionDenied("Only a state admin or a district admin can endorse.")


def get_endorsable_entry_for_user(user: User, pk: int) -> MicroCredential:
    """A published entry ``user`` may endorse (their own district's, or unknown: 404)."""
    require_endorser(user)
    entry = endorsable_entries(user).filter(pk=pk).first()
    if entry is None:
        raise Http404("No catalog entry you can endorse has this id.")
    return entry


def get_endorsement_for_endorser(user: User, endorsement_uuid) -> Endorsement:
    """An endorsement that ``user``'s state office or district gave (anyone else's: 404)."""
    require_endorser(user)
    endorsement = endorsements_given(user).filter(uuid=endorsement_uuid).first()
    if endorsement is None:
        raise Http404("Your office gave no endorsement with this id.")
    return endorsement
