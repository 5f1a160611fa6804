"""Who may see which catalog entry."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User

from .models import EvidenceType, MicroCredential, RubricCriterion, Stack, StateCatalogEntry
from .selectors import microcredential_detail_queryset

Status = MicroCredential.Status
# Shown to everyone of the district with a role: a retired or replaced version stays readable
# (with a notice) because plans started on it keep pointing at it.
PUBLIC_STATUSES = frozenset({Status.PUBLISHED, Status.RETIRED, Status.SUPERSEDED})
# An educator's own micro-credential, before and after the panel's decision on its plan.
EDUCATOR_PROPOSAL_STATUSES = frozenset({Status.PROPOSED, Status.APPROVED, Status.DECLINED})


def can_view_microcredential(user: User, entry: MicroCredential) -> bool:
    if entry.district_id != user.district_id or not user.roles:
        return False
    if user.has_role(Role.DISTRICT_ADMIN) or entry.status in PUBLIC_STATUSES:
        return True
    if entry.status in EDUCATOR_PROPOSAL_STATUSES:
        # The panel reads a proposal with the plan it came with; the group on that plan uses it.
        return (
            entry.created_by_id == user.pk
            or user.has_role(Role.REVIEWER)
            or entry.plans.filter(submissions__educator_id=user.pk).exists()
        )
    return False


def get_microcredential_for_user(user: User, pk: int) -> MicroCredential:
    """The entry, with its rubric prefetched, or 404 (another district, or not visible)."""
    entry = get_object_or_404(
        microcredential_detail_queryset().filter(district_id=user.district_id), pk=pk
    )
    if not can_view_microcredential(user, entry):
        raise Http404("No such micro-credential.")
    return entry


def get_microcredential_for_admin(user: User, pk: int) -> MicroCredential:
    """An entry of the admin's district (the caller checked the role), or 404."""
    return get_object_or_404(
        microcredential_detail_queryset().filter(district_id=user.district_id), pk=pk
    )


def get_criterion_for_admin(user: User, pk: int) -> RubricCriterion:
    return get_object_or_404(
        RubricCriterion.objects.select_related("rubric__microcredential").prefetch_related(
            "levels"
        ),
        pk=pk,
        rubric__microcredential__district_id=user.district_id,
    )


def get_stack_for_admin(user: User, pk: int) -> Stack:
    return get_object_or_404(Stack, pk=pk, district_id=user.district_id)


def get_evidence_type_for_admin(user: User, pk: int) -> EvidenceType:
    return get_object_or_404(EvidenceType, pk=pk, district_id=user.district_id)


def get_state_entry_for_district_admin(user: User, pk: int) -> StateCatalogEntry:
    """An entry of the state the admin's district belongs to (the caller checked the role),
    or 404: another state's, or the district belongs to none."""
    state_id = user.district.state_id if user.district_id else None
    return get_object_or_404(StateCatalogEntry, pk=pk, state_id=state_id or -1)
