"""Reads of the badges app, scoped to what the reader may see."""

from datetime import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Min, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from submissions.models import Submission

from .models import ISSUANCE_LONG_WAIT, Award, Portfolio, award_counts_q


def _with_related(queryset: QuerySet[Award]) -> QuerySet[Award]:
    return queryset.select_related(
        "district", "educator", "microcredential__stack", "renews__microcredential", "renewed_by"
    )


def renewal_under_way(award: Award) -> Submission | None:
    """The renewal of ``award`` its educator has started and not given up (any status up to
    earned), or None."""
    return (
        award.submission.renewals.exclude(
            status__in=[Submission.Status.WITHDRAWN, Submission.Status.DECLINED]
        )
        .select_related("plan__microcredential")
        .first()
    )


def awards_for_educator(user: User) -> QuerySet[Award]:
    return _with_related(Award.objects.filter(district_id=user.district_id, educator=user))


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
        award_counts_q(at=at or timezone.now(), prefix="award__"),
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


def public_award(award_uuid) -> Award | None:
    """An issued award by its public id, for anyone (the verification page)."""
    return _with_related(Award.objects.filter(uuid=award_uuid, state=Award.State.ISSUED)).first()


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
    """The educator's earned submissions whose award is still being prepared."""
    return with_issuance_wait(
        Submission.objects.filter(
            district_id=user.district_id, educator=user, status=Submission.Status.EARNED
        )
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
