"""Reads of the badges app, scoped to what the reader may see."""

from django.db.models import QuerySet

from accounts.models import User
from submissions.models import Submission

from .models import Award, Portfolio


def _with_related(queryset: QuerySet[Award]) -> QuerySet[Award]:
    return queryset.select_related("district", "educator", "microcredential__stack")


def awards_for_educator(user: User) -> QuerySet[Award]:
    return _with_related(Award.objects.filter(district_id=user.district_id, educator=user))


def awards_for_district(user: User) -> QuerySet[Award]:
    return _with_related(Award.objects.filter(district_id=user.district_id))


def public_award(award_uuid) -> Award | None:
    """An issued award by its public id, for anyone (the verification page)."""
    return _with_related(Award.objects.filter(uuid=award_uuid, state=Award.State.ISSUED)).first()


def earned_without_award(user: User) -> QuerySet[Submission]:
    """The educator's earned submissions whose award is still being prepared."""
    return (
        Submission.objects.filter(
            district_id=user.district_id, educator=user, status=Submission.Status.EARNED
        )
        .exclude(award__state=Award.State.ISSUED)
        .select_related("plan__microcredential")
    )


def published_portfolio(slug) -> Portfolio | None:
    return (
        Portfolio.objects.filter(slug=slug, published=True, educator__is_active=True)
        .select_related("educator__district")
        .first()
    )


def portfolio_awards(portfolio: Portfolio) -> QuerySet[Award]:
    return _with_related(
        Award.objects.filter(
            educator=portfolio.educator, state=Award.State.ISSUED, revoked_at__isnull=True
        )
    )
