"""Reads of the API: a client's district, its calls, and the salary ledger as a feed."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AuditEvent, District, User
from badges.models import Award
from credentials.models import MicroCredential
from reports.selectors import with_credit
from submissions.models import Submission

from .models import ApiCall, ApiClient


def api_clients_of_district(*, district: District) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(district=district).select_related(
        "application", "created_by", "revoked_by"
    )


def recent_calls(*, district: District, limit: int = 100) -> QuerySet[ApiCall]:
    return ApiCall.objects.filter(client__district=district).select_related("client")[:limit]


# --- The salary ledger ----------------------------------------------------------------------------

# What moves HR's ledger: an award issued credits its salary increase, a revocation reverses
# it. Both are written in the audit log in the transaction of the change, whose id orders them.
LEDGER_ACTIONS = {"award.issued": "credit", "award.revoked": "reversal"}
AWARD_TARGET = Award._meta.label_lower


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    kind: str
    recorded_at: datetime
    award: Award
    educator: User
    microcredential: MicroCredential
    effective_on: object
    salary_amount: Decimal
    pd_points: Decimal
    clock_hours: Decimal
    reason: str
    renews: Award | None = None


@dataclass(frozen=True)
class LedgerPage:
    entries: list[LedgerEntry]
    next_cursor: int
    has_more: bool


def ledger_since(*, district: District, cursor: int, limit: int) -> LedgerPage:
    """The ledger's entries after ``cursor`` (the id of the last entry a client received; 0:
    from the beginning), oldest first, ``limit`` at most: every award issued (a credit) and
    every revocation (a reversal, the same amounts negative). The next cursor is the id of the
    last entry given, or ``cursor`` again when there is none yet: a client keeps it and asks
    again later. Three queries, whatever the size of the ledger.

    Entries appear once their change is ``API_LEDGER_SETTLE_SECONDS`` old, so that a change
    committed after a later-numbered one is never stepped over."""
    after = cursor
    settled = timezone.now() - timedelta(seconds=settings.API_LEDGER_SETTLE_SECONDS)
    events = list(
        AuditEvent.objects.filter(
            district_id=district.pk,
            target_type=AWARD_TARGET,
            action__in=LEDGER_ACTIONS,
            pk__gt=after,
            created_at__lte=settled,
        )
        .order_by("pk")
        .values("pk", "action", "created_at", "target_id", "detail")[: limit + 1]
    )
    has_more = len(events) > limit
    events = events[:limit]
    award_ids = {event["target_id"] for event in events}
    credited = with_credit(
        Submission.objects.filter(district_id=district.pk, award__pk__in=award_ids),
        district=district,
    ).select_related("award__renews", "educator", "plan__microcredential")
    by_award = {submission.award.pk: submission for submission in credited}
    entries = []
    for event in events:
        submission = by_award.get(event["target_id"])
        if submission is None:
            continue
        sign = -1 if LEDGER_ACTIONS[event["action"]] == "reversal" else 1
        # A renewal keeps a credit current; it was credited when first earned, so its own
        # issue (and revocation) moves nothing.
        if submission.award.renews_id is not None:
            sign = 0
        entries.append(
            LedgerEntry(
                id=event["pk"],
                kind=LEDGER_ACTIONS[event["action"]],
                recorded_at=event["created_at"],
                award=submission.award,
                educator=submission.educator,
                microcredential=submission.plan.microcredential,
                effective_on=submission.effective_on,
                salary_amount=sign * (submission.salary or Decimal("0")),
                pd_points=sign * (submission.points or Decimal("0")),
                clock_hours=sign * (submission.hours or Decimal("0")),
                reason=(event["detail"] or {}).get("reason", "") if sign < 0 else "",
                renews=submission.award.renews,
            )
        )
    position = events[-1]["pk"] if events else after
    return LedgerPage(entries, position, has_more)
