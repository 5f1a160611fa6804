"""Who may see or change an artifact. Anything of another district, or not yours, is a 404."""

from django.db.models import Q
from django.http import Http404

from accounts.models import Role, User

from .models import Artifact
from .signals import reviewer_access_asked

# Reviewers never see a file before the checks have accepted it.
NOT_FOR_REVIEWERS = (Artifact.Status.UPLOADING, Artifact.Status.CHECKING, Artifact.Status.REFUSED)


def _artifacts(user: User):
    return Artifact.objects.select_related(
        "submission", "submission__plan", "submission__educator", "district", "evidence_type"
    ).filter(district_id=user.district_id)


def get_own_artifact(user: User, uuid) -> Artifact:
    """An artifact of the educator's own submission (to upload, edit or delete)."""
    artifact = _artifacts(user).filter(uuid=uuid, submission__educator_id=user.pk).first()
    if artifact is None:
        raise Http404("No such evidence.")
    return artifact


def get_artifact_for_user(user: User, uuid) -> Artifact:
    """The artifact ``uuid`` if ``user`` may open it: its educator (also from a district they
    have left, whose record it stays), the district's admins, or a reviewer of its submission
    (once the checks accepted it). Otherwise a 404."""
    if not user.is_authenticated or not user.is_active or user.district_id is None:
        raise Http404("No such evidence.")
    artifact = (
        Artifact.objects.select_related(
            "submission", "submission__plan", "submission__educator", "district", "evidence_type"
        )
        .filter(Q(district_id=user.district_id) | Q(submission__educator_id=user.pk), uuid=uuid)
        .first()
    )
    if artifact is None:
        raise Http404("No such evidence.")
    if artifact.submission.educator_id == user.pk:
        return artifact
    if artifact.district_id != user.district_id:
        raise Http404("No such evidence.")
    if user.has_role(Role.DISTRICT_ADMIN):
        return artifact
    if user.has_role(Role.REVIEWER) and artifact.status not in NOT_FOR_REVIEWERS:
        answers = reviewer_access_asked.send(
            sender=Artifact, user=user, submission=artifact.submission
        )
        if any(allowed for _receiver, allowed in answers):
            return artifact
    raise Http404("No such evidence.")
