"""Reads of the API: a client's district, its calls, and the salary ledger as a feed."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import AuditEvent, District, User
from badges.models import Award
from credentials.models import MicroCredential
from reports.selectors import paid_by_district_q, with_credit
from reports.services import SALARY_ACCEPTED, SALARY_ACCEPTED_REVOKED
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
# it; so do an award of elsewhere in the state that the district accepted to pay
# (``reports.services``) and that award's revocation. All are written in the audit log in the
# transaction of the change, whose id orders them.
LEDGER_ACTIONS = {
    "award.issued": "credit",
    "award.revoked": "reversal",
    SALARY_ACCEPTED: "credit",
    SALARY_ACCEPTED_REVOKED: "reversal",
}
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
    every revocation (a reversal, the same amounts negative), and likewise the awards earned
    elsewhere in the state that the district accepted to pay (``paid_by_district_q``). A
    renewal's entries move the credit only as the credential starts or stops being held
    (``_credential_moves``). The next cursor is the id of the last entry given, or ``cursor``
    again when there is none yet: a client keeps it and asks again later. Four queries, whatever
    the size of the ledger, and a few more when it meets renewals.

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
        Submission.objects.filter(paid_by_district_q(district=district), award__pk__in=award_ids),
        district=district,
    ).select_related("award__renews", "educator", "plan__microcredential")
    by_award = {submission.award.pk: submission for submission in credited}
    moves = _credential_moves(district=district, events=events)
    entries = []
    for event in events:
        submission = by_award.get(event["target_id"])
        if submission is None:
            continue
        sign = moves[event["pk"]]
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
                reason=(event["detail"] or {}).get("reason", "")
                if LEDGER_ACTIONS[event["action"]] == "reversal"
                else "",
                renews=submission.award.renews,
            )
        )
    position = events[-1]["pk"] if events else after
    return LedgerPage(entries, position, has_more)


def _credential_moves(*, district: District, events: list[dict]) -> dict[int, int]:
    """How each ledger event moves the district's credit: +1, -1, or 0.

    An award and its renewals are one credential, which counts once (``award_counts_q``): the
    district credits it when it comes to hold an award of it, and reverses the credit when it
    holds none any more. So an event moves the credit only when the district's ledger holds no
    other award of the credential at that point (credited by an earlier entry, not reversed
    since): a renewal issued while the award it renews is held moves nothing, nor does the
    revocation of an award whose renewal is still held, and the revocation of the last one
    held reverses the credit. Read from the ledger's own earlier entries, an entry's amount
    never changes once given.

    A query per generation of renewals met, and one for the earlier entries when there are
    renewals at all; none of either per entry."""
    award_ids = {event["target_id"] for event in events}
    renews: dict[int, int | None] = {}
    known, frontier = set(award_ids), set(award_ids)
    while frontier:
        rows = Award.objects.filter(Q(pk__in=frontier) | Q(renews_id__in=frontier)).values_list(
            "pk", "renews_id"
        )
        frontier = set()
        for pk, renewed in rows:
            renews[pk] = renewed
            for award_id in (pk, renewed):
                if award_id is not None and award_id not in known:
                    known.add(award_id)
                    frontier.add(award_id)

    def credential(award_id: int) -> int:
        while renews.get(award_id) is not None:
            award_id = renews[award_id]
        return award_id

    def sign(event: dict) -> int:
        return 1 if LEDGER_ACTIONS[event["action"]] == "credit" else -1

    members: dict[int, set[int]] = {}
    for award_id in known:
        members.setdefault(credential(award_id), set()).add(award_id)
    if all(len(group) == 1 for group in members.values()):
        return {event["pk"]: sign(event) for event in events}
    history = list(
        AuditEvent.objects.filter(
            district_id=district.pk,
            target_type=AWARD_TARGET,
            action__in=LEDGER_ACTIONS,
            target_id__in=known,
            pk__lte=events[-1]["pk"],
        )
        .order_by("pk")
        .values("pk", "action", "target_id")
    )
    held: dict[int, int] = {}
    moves: dict[int, int] = {}
    for event in history:
        award_id = event["target_id"]
        others = members[credential(award_id)] - {award_id}
        moves[event["pk"]] = 0 if any(held.get(other, 0) > 0 for other in others) else sign(event)
        held[award_id] = held.get(award_id, 0) + sign(event)
    return moves
