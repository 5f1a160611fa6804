"""Reads of the badges app, scoped to what the reader may see."""

import uuid
from datetime import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Min, Q, QuerySet
from django.utils import timezone

from accounts.models import District, Role, State, User
from credentials.models import MicroCredential
from microcreds.prepared import PreparedQuery
from submissions.models import Submission
from submissions.selectors import CLOSED_STATUSES

from .models import (
    ISSUANCE_LONG_WAIT,
    Award,
    Endorsement,
    Portfolio,
    PublicEvidence,
    award_counts_q,
)


def _with_related(queryset: QuerySet[Award]) -> QuerySet[Award]:
    return queryset.select_related(
        "district", "educator", "microcredential__stack", "renews__microcredential", "renewed_by"
    )


def renewal_under_way(award: Award) -> Submission | None:
    """The renewal of ``award`` its educator has started and not given up (any status up to
    earned), or None."""
    return (
        award.submission.renewals.exclude(status__in=list(CLOSED_STATUSES))
        .select_related("plan__microcredential")
        .first()
    )


def awards_for_educator(user: User) -> QuerySet[Award]:
    """Every award of the educator, from whichever district issued it: a person who moved keeps
    what they earned (each award still names, and is signed by, its own district)."""
    return _with_related(Award.objects.filter(educator=user))


def awards_of_person_for_admin(admin: User, person: User) -> QuerySet[Award]:
    """The issued awards of a person of the admin's district, from every district of the
    state (what a new district sees of someone who moved in; never their plans). Empty for a
    person of another district."""
    if person.district_id is None or person.district_id != admin.district_id:
        return Award.objects.none()
    return _with_related(
        Award.objects.filter(educator=person, state=Award.State.ISSUED).filter(
            awarded_in_state_q(district=person.district)
        )
    ).order_by("-issued_at")


def awarded_in_state_q(*, district, prefix: str = "") -> Q:
    """The records (awards, or submissions with ``prefix``) of ``district``'s state: every
    district of it, or the district alone when it belongs to no state. What a person's
    re-licensure and their new district read of what they earned elsewhere."""
    if district.state_id is None:
        return Q(**{f"{prefix}district_id": district.pk})
    return Q(**{f"{prefix}district__state_id": district.state_id})


def awards_for_district(user: User) -> QuerySet[Award]:
    return _with_related(Award.objects.filter(district_id=user.district_id))


def awards_of_state(*, state_id: int) -> QuerySet[Award]:
    """The issued awards of every district of a state (revoked and expired ones too, which
    say so), for its state admins."""
    return _with_related(
        Award.objects.filter(district__state_id=state_id, state=Award.State.ISSUED)
    )


def with_counting_award(
    queryset: QuerySet[Submission], *, at: datetime | None = None
) -> QuerySet[Submission]:
    """The earned submissions of ``queryset`` whose award counts at ``at`` (now by default):
    what reports, exports and progress cards count and credit."""
    return queryset.filter(
        award_counts_q(at=at or timezone.now(), prefix="award__", anti_join=True),
        status=Submission.Status.EARNED,
        decided_at__isnull=False,
    )


def counting_awards(*, district_id: int, at: datetime) -> dict:
    """How many awards of the district count at ``at``, and the first moment after it when one
    of them stops counting by itself (it expires; None when none of them has an end): until
    then, only a change to the awards changes the number. One query."""
    return (
        Award.objects.filter(district_id=district_id)
        .counting(at=at)
        .aggregate(count=Count("id"), counts_until=Min("expires_at"))
    )


def _public(award_uuid) -> QuerySet[Award]:
    """The issued award of a public id, alone: its id is unique, so no order to compile."""
    return Award.objects.filter(uuid=award_uuid, state=Award.State.ISSUED).order_by()


# Every verification: the SQL is built once per process (microcreds.prepared).
_public_award = PreparedQuery(
    lambda award_uuid: (
        _public(award_uuid)
        .select_related(
            "district", "educator", "microcredential", "renews__microcredential", "renewed_by"
        )
        .only(*VERIFIED_AWARD_COLUMNS)[:1]
    ),
    uuid.UUID,
)


def public_award(award_uuid: uuid.UUID) -> Award | None:
    """An issued award by its public id, for anyone (the verification page): with the columns
    that page shows and checks alone (all six tables' columns cost most of the page's time to
    compile and load)."""
    return _public_award.first(award_uuid)


# What the verification page reads of an award: its verdict (``Award.counts`` and the rest),
# its facts, the award it renews and the one that renewed it, and what its checks read.
VERIFIED_AWARD_COLUMNS = (
    "uuid",
    "state",
    "issued_at",
    "expires_at",
    "revoked_at",
    "revocation_reason",
    "credential",
    "district__name",
    "district__slug",
    "district__signatory_name",
    "district__signatory_title",
    "educator__first_name",
    "educator__last_name",
    "educator__email",
    "microcredential__title",
    "microcredential__competency",
    "microcredential__estimated_hours",
    "microcredential__pd_points",
    "renews__uuid",
    "renews__issued_at",
    "renews__microcredential__title",
    "renewed_by__uuid",
    "renewed_by__state",
    "renewed_by__issued_at",
    "renewed_by__expires_at",
    "renewed_by__revoked_at",
)


def public_credential(award_uuid) -> dict | None:
    """The signed credential of an issued award by its public id, for anyone (the badge JSON):
    that column alone, without the six related rows the verification page shows."""
    return _public(award_uuid).values_list("credential", flat=True).first()


# Asked on every view of a plan before its award: the SQL is built once per process
# (microcreds.prepared).
_one_public_evidence = PreparedQuery(
    lambda submission_id: (
        PublicEvidence.objects.filter(submission_id=submission_id)
        .order_by()
        .values_list("pk", flat=True)[:1]
    ),
    int,
)


def has_public_evidence(submission: Submission) -> bool:
    """The educator has described evidence for the badge of ``submission``."""
    return bool(_one_public_evidence.all(submission.pk))


def award_of_submission(submission: Submission) -> Award | None:
    """The award of an earned submission, issued or still being prepared (None: not yet made)."""
    return _with_related(Award.objects.filter(submission=submission)).first()


def earned_submission_waiting(submission: Submission) -> Submission:
    """The earned submission again, ready for the progress note while its award is prepared."""
    return (
        with_issuance_wait(Submission.objects.filter(pk=submission.pk))
        .select_related("plan__microcredential")
        .get()
    )


def with_issuance_wait(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """Earned submissions with ``issuance_delayed`` (decided longer ago than the long wait) and
    their recovery record, for the progress note."""
    long_ago = timezone.now() - ISSUANCE_LONG_WAIT
    return queryset.select_related("issuance_recovery").annotate(
        issuance_delayed=ExpressionWrapper(Q(decided_at__lte=long_ago), output_field=BooleanField())
    )


def earned_without_award(user: User) -> QuerySet[Submission]:
    """The educator's earned submissions whose award is still being prepared (in whichever
    district: one they left may still be issuing it)."""
    return with_issuance_wait(
        Submission.objects.filter(educator=user, status=Submission.Status.EARNED)
        .exclude(award__state=Award.State.ISSUED)
        .select_related("plan__microcredential")
    )


def issuance_overdue(*, decided_before: datetime) -> QuerySet[Submission]:
    """Earned submissions of every district decided before ``decided_before`` whose award has
    not been issued (no award row at all, or one still being prepared), oldest first."""
    return (
        Submission.objects.filter(status=Submission.Status.EARNED, decided_at__lte=decided_before)
        .exclude(award__state=Award.State.ISSUED)
        .select_related("district", "educator", "plan__microcredential")
        .order_by("decided_at", "pk")
    )


def issuance_overdue_for_district(user: User, *, decided_before: datetime) -> QuerySet[Submission]:
    """The district admin's view of the same: whose certificate is late in their district."""
    return (
        issuance_overdue(decided_before=decided_before)
        .filter(district_id=user.district_id)
        .select_related("issuance_recovery")
    )


def published_portfolio(slug) -> Portfolio | None:
    return (
        Portfolio.objects.filter(slug=slug, published=True, educator__is_active=True)
        .select_related("educator__district")
        .first()
    )


def portfolio_awards(portfolio: Portfolio) -> QuerySet[Award]:
    return _with_related(Award.objects.filter(educator=portfolio.educator).counting())


# --- Endorsements -----------------------------------------------------------------------------


def endorser_of(user: User) -> District | State | None:
    """Who ``user`` endorses for: their state office (a state admin) or their district (a
    district admin); None for anyone else."""
    if user.is_authenticated and user.has_role(Role.STATE_ADMIN):
        return user.state
    if user.is_authenticated and user.has_role(Role.DISTRICT_ADMIN):
        return user.district
    return None


def endorsable_entries(user: User, *, query: str = "") -> QuerySet[MicroCredential]:
    """The catalog entries ``user`` may endorse: published entries of every district (a state
    office may recognise another state's too), never of the endorser's own district."""
    endorser = endorser_of(user)
    if endorser is None:
        return MicroCredential.objects.none()
    entries = MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED)
    if isinstance(endorser, District):
        entries = entries.exclude(district=endorser)
    if query:
        entries = entries.filter(Q(title__icontains=query) | Q(district__name__icontains=query))
    return entries.select_related("district").order_by("district__name", "title", "pk")


def endorsements_given(user: User) -> QuerySet[Endorsement]:
    """The endorsements ``user``'s state office or district gave, standing and withdrawn."""
    endorser = endorser_of(user)
    if endorser is None:
        return Endorsement.objects.none()
    given = (
        Endorsement.objects.filter(endorser_state=endorser)
        if isinstance(endorser, State)
        else Endorsement.objects.filter(endorser_district=endorser)
    )
    return given.select_related("microcredential__district", "endorser_state", "endorser_district")


def standing_endorsements_of(microcredential: MicroCredential) -> QuerySet[Endorsement]:
    """The endorsements of a catalog entry that stand (not withdrawn), oldest first."""
    return (
        Endorsement.objects.filter(microcredential=microcredential, withdrawn_at__isnull=True)
        .select_related("endorser_state", "endorser_district")
        .order_by("issued_at", "id")
    )


def public_endorsement(endorsement_uuid) -> Endorsement | None:
    """An endorsement by its public id, for anyone (its verification page)."""
    return (
        Endorsement.objects.filter(uuid=endorsement_uuid)
        .select_related("microcredential__district", "endorser_state", "endorser_district")
        .first()
    )
