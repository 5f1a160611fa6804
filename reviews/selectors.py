"""Reads of the review side, always scoped to the reader's district."""

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User, holds_role, person_name
from artifacts.models import Artifact
from artifacts.selectors import evidence_added_since
from badges.models import Award
from credentials.models import MicroCredential, Rubric, RubricCriterion, RubricLevel
from microcreds.prepared import PreparedQuery, as_prefetched
from submissions.history import plan_changes_since, results_changes_since
from submissions.models import Submission
from submissions.selectors import read_plan_text_lists
from submissions.signals import HistoryEntry
from submissions.transitions import EDUCATOR_MOVES

from . import stamps as queue_stamps
from .models import (
    WAITING,
    CommentTopic,
    ComponentComment,
    CriterionScore,
    Panel,
    ReviewAssignment,
    Stage,
    StageReview,
    needs_another_reviewer_q,
)

SubmissionStatus = Submission.Status

ACTIVE = (ReviewAssignment.Status.PENDING, ReviewAssignment.Status.SUBMITTED)
AssignmentStatus = ReviewAssignment.Status


# --- Who manages a round, who may review a submission ------------------------------------------


def can_manage_round(*, user: User, stage_review: StageReview) -> bool:
    """District admins of the district, and the chair of the round's panel."""
    if user.district_id != stage_review.district_id or not user.is_active:
        return False
    if user.has_role(Role.DISTRICT_ADMIN):
        return True
    return stage_review.panel is not None and stage_review.panel.chair_id == user.pk


# Asked on every queue page and by the chairs' pages: the SQL is built once per process
# (microcreds.prepared). A row, or none.
_chaired_panel = PreparedQuery(
    lambda district_id, pk: (
        Panel.objects.filter(district_id=district_id, chair_id=pk)
        .order_by()
        .values_list("pk", flat=True)[:1]
    ),
    int,
    int,
)


def is_panel_chair(user: User) -> bool:
    """A reviewer who chairs a panel of their district (they follow its reviews)."""
    if not user.has_role(Role.REVIEWER) or user.district_id is None:
        return False
    return bool(_chaired_panel.all(user.district_id, user.pk))


def _own_group_ids(submission: Submission) -> set[int]:
    """The educator, the plan's lead and every educator with a submission of the same plan."""
    group = set(
        Submission.objects.filter(plan_id=submission.plan_id).values_list("educator_id", flat=True)
    )
    return group | {submission.educator_id, submission.plan.lead_id}


class Eligibility(NamedTuple):
    """A condition a reviewer of a submission must meet; ``reason``, said of one person who
    does not; ``of_many``, of the several a page counts (``reviewer_shortage``)."""

    condition: Q
    reason: str
    of_many: str


def _eligibility(submission: Submission, panel: Panel | None) -> list[Eligibility]:
    """What a person must be to take a review of ``submission`` in a round of ``panel`` (the
    round's ``StageReview.panel``), each with the reason given when they are not.

    Nobody reviews their own plan or their group's plan; the district may keep reviewers away
    from the educators of their own building. A round with a panel is reviewed by its members:
    the panel of educators the district formed for that work pre-approves the plan and judges
    the evidence (a panel's chair reviews only when also a member); a round of no panel (none
    covers the educator's building and the entry's stack) by any reviewer of the district.
    Checked last, so a reviewer counted as not on the panel (``reviewer_shortage``) is one whom
    adding to it would let take the review."""
    conditions = [
        Eligibility(
            Q(district_id=submission.district_id, is_active=True),
            "This person is not a reviewer of this district.",
            "not active in this district",
        ),
        Eligibility(
            holds_role(Role.REVIEWER),
            "This person does not hold the reviewer role.",
            "without the reviewer role",
        ),
        Eligibility(
            ~Q(pk__in=_own_group_ids(submission)),
            "Nobody reviews their own plan or their group's plan.",
            "the educator or a member of their group plan (nobody reviews their own plan)",
        ),
    ]
    building_id = submission.educator.building_id
    if submission.district.exclude_same_building_reviewers and building_id is not None:
        conditions.append(
            Eligibility(
                ~Q(building_id=building_id),
                "The district does not let reviewers review educators of their own building.",
                "in the educator's own building, whose educators the district keeps them from "
                "reviewing",
            )
        )
    if panel is not None:
        # A subquery, not a join: the condition is also read as a column (``_met``), one row
        # a person whatever panels they sit on.
        members = Panel.members.through.objects.filter(panel_id=panel.pk).values("user_id")
        conditions.append(
            Eligibility(
                Q(pk__in=members),
                f"This person is not a member of the panel “{panel.name}”, which reviews this "
                "plan.",
                f"not on the panel “{panel.name}”, which reviews this plan",
            )
        )
    return conditions


def reviewers_who_may_take(*, submission: Submission, panel: Panel | None) -> QuerySet[User]:
    """The people who may take a review of ``submission`` in a round of ``panel`` (the round's
    ``StageReview.panel``): the one rule of the assignment (``services._next_reviewers``, so a
    deactivated reviewer's hand-back too), of a chair's or admin's reassignment
    (``reviewer_ineligibility``), of the round page's choice and of its explanation of why
    nobody may (``reviewer_shortage``)."""
    return User.objects.filter(*(rule.condition for rule in _eligibility(submission, panel)))


def _met(conditions: list[Eligibility]) -> dict[str, ExpressionWrapper]:
    """Annotations of people, ``met_0``, ``met_1``…: whether each meets each condition."""
    return {
        f"met_{i}": ExpressionWrapper(rule.condition, output_field=BooleanField())
        for i, rule in enumerate(conditions)
    }


def reviewer_ineligibility(
    *, reviewer: User, submission: Submission, panel: Panel | None
) -> str | None:
    """None when ``reviewer`` may take a review of ``submission`` in a round of ``panel``, else
    the reason they may not: the conditions of ``reviewers_who_may_take``, read in one query."""
    conditions = _eligibility(submission, panel)
    met = (
        User.objects.filter(pk=reviewer.pk)
        .annotate(**_met(conditions))
        .values_list(*_met(conditions))
        .first()
    )
    if met is None:
        return conditions[0].reason
    return next((rule.reason for rule, ok in zip(conditions, met, strict=True) if not ok), None)


ON_THE_ROUND = "already on this round, or taken off it"


def reviewer_shortage(
    *, submission: Submission, panel: Panel | None, on_round: Iterable[int]
) -> list[tuple[int, str]]:
    """Why no reviewer of the district may take a review of ``submission`` in a round of
    ``panel`` that the people ``on_round`` may not be given (they have, or had, a review of the
    round): the district's active reviewers counted by the first condition of
    ``reviewers_who_may_take`` each does not meet, in one query."""
    conditions = _eligibility(submission, panel)
    on_round = set(on_round)
    rows = (
        User.objects.filter(
            holds_role(Role.REVIEWER), district_id=submission.district_id, is_active=True
        )
        .annotate(
            on_round=(
                ExpressionWrapper(Q(pk__in=on_round), output_field=BooleanField())
                if on_round
                else Value(False, output_field=BooleanField())
            ),
            **_met(conditions),
        )
        .values_list("on_round", *_met(conditions))
    )
    counts: dict[str, int] = {}
    for on_this_round, *met in rows:
        why = (
            ON_THE_ROUND
            if on_this_round
            else next(
                (rule.of_many for rule, ok in zip(conditions, met, strict=True) if not ok), None
            )
        )
        if why is not None:
            counts[why] = counts.get(why, 0) + 1
    return [(n, why) for why, n in counts.items()]


def reviewer_candidates(*, submission: Submission, panel: Panel | None) -> list[User]:
    """The people who may take a review (``reviewers_who_may_take``), lightest current load
    first (pending assignments), then by id."""
    people = reviewers_who_may_take(submission=submission, panel=panel).annotate(
        load=Count(
            "review_assignments", filter=Q(review_assignments__status=AssignmentStatus.PENDING)
        )
    )
    return list(people.order_by("load", "id"))


def panel_for_submission(submission: Submission) -> Panel | None:
    """The most specific active panel whose scope covers the educator's building and the
    credential's stack; a panel without buildings or stacks covers the whole district."""
    building_id = submission.educator.building_id
    stack_id = submission.plan.microcredential.stack_id
    panels = (
        Panel.objects.filter(district_id=submission.district_id, active=True)
        .annotate(
            n_buildings=Count("buildings", distinct=True),
            n_stacks=Count("stacks", distinct=True),
            building_match=Count("buildings", filter=Q(buildings__id=building_id), distinct=True),
            stack_match=Count("stacks", filter=Q(stacks__id=stack_id), distinct=True),
        )
        .order_by("id")
    )
    best: Panel | None = None
    best_specificity = -1
    for panel in panels:
        if panel.n_buildings and not panel.building_match:
            continue
        if panel.n_stacks and not panel.stack_match:
            continue
        specificity = (1 if panel.n_buildings else 0) + (1 if panel.n_stacks else 0)
        if specificity > best_specificity:
            best, best_specificity = panel, specificity
    return best


def reviewers_of_district(*, district_id: int) -> QuerySet[User]:
    """The district's reviewers (a reassignment's choices; the service says who is eligible)."""
    return User.objects.filter(holds_role(Role.REVIEWER), district_id=district_id)


def reviewer_can_see_submission(*, user: User, submission: Submission) -> bool:
    """True for an active reviewer of any stage of ``submission``, or the chair of a panel it
    was assigned through. Reassigned-away reviewers lose access."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.district_id is None or user.district_id != submission.district_id:
        return False
    if ReviewAssignment.objects.filter(
        submission_id=submission.pk, reviewer_id=user.pk, status__in=ACTIVE
    ).exists():
        return True
    return StageReview.objects.filter(submission_id=submission.pk, panel__chair_id=user.pk).exists()


def chair_absent() -> Q:
    """Rounds whose panel has no acting chair (``Panel.acting_chair``): of no panel, of a panel
    without a chair, or of one whose chair was deactivated. Their district admins decide in
    the chair's place and hear what a chair would (``services._chairs_of``)."""
    return Q(panel__isnull=True) | Q(panel__chair__isnull=True) | Q(panel__chair__is_active=False)


def with_round_due(rounds: QuerySet[StageReview], *, now: datetime) -> QuerySet[StageReview]:
    """``rounds`` with ``due_on``, when each is due, and ``is_overdue``, whether that has
    passed at ``now``: the one rule of an overdue round, in the rounds' own query.

    With its reviewers, a round is due when the soonest of its waiting reviews is: a review
    handed on or reassigned gets its own new due date, and the round is late only while one of
    the reviews it waits for is late (a flagged review of a deactivated reviewer included).
    With its chair, or with nobody to wait for, it is due on its own date
    (``StageReview.due_at``)."""
    soonest_waiting = (
        ReviewAssignment.objects.filter(
            stage_review_id=OuterRef("pk"), status=ReviewAssignment.Status.PENDING
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return rounds.annotate(
        due_on=Case(
            When(
                status=StageReview.Status.OPEN,
                then=Coalesce(Subquery(soonest_waiting), F("due_at")),
            ),
            default=F("due_at"),
        )
    ).annotate(is_overdue=ExpressionWrapper(Q(due_on__lt=now), output_field=BooleanField()))


def panels_chaired_by(user: User) -> QuerySet[Panel]:
    return Panel.objects.filter(district_id=user.district_id, chair_id=user.pk)


def stage_reviews_visible_to(user: User) -> QuerySet[StageReview]:
    """Rounds a user may open: assigned to them, chaired by them, or any of their district for
    a district admin."""
    qs = StageReview.objects.filter(district_id=user.district_id)
    if user.has_role(Role.DISTRICT_ADMIN):
        return qs
    return qs.filter(
        Q(assignments__reviewer_id=user.pk, assignments__status__in=ACTIVE)
        | Q(panel__chair_id=user.pk)
    ).distinct()


def _still_waiting() -> RawSQL:
    """A pending review's conditions that live on other tables: its round is open and its
    submission still waits for its stage (``WAITING``).

    Written as a correlated EXISTS that PostgreSQL keeps as a check of each row (``OFFSET 0``
    stops it from turning the check into a join): a page of the queue is then a walk along the
    ``review_queue_order`` index that stops after the page's rows. As joins, the planner, which
    takes the share of waiting submissions in the whole district for the share among this
    reviewer's pending reviews, expects a few rows, and joins and sorts all of them before the
    LIMIT instead (44 ms for a page at 1,000 waiting, 0.4 ms this way)."""
    assignment = ReviewAssignment._meta.db_table
    stage_review = StageReview._meta.db_table
    submission = Submission._meta.db_table
    stages = []
    params: list[str] = [StageReview.Status.OPEN]
    for stage, statuses in WAITING.items():
        placeholders = ", ".join(["%s"] * len(statuses))
        stages.append(f"({assignment}.stage = %s AND s.status IN ({placeholders}))")
        params += [stage, *statuses]
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {submission} s, {stage_review} r"
        f" WHERE s.id = {assignment}.submission_id AND r.id = {assignment}.stage_review_id"
        f" AND r.status = %s AND ({' OR '.join(stages)}) LIMIT 1 OFFSET 0)",
        params,
        output_field=BooleanField(),
    )


def _waiting_for(district_id: int, reviewer_id: int) -> QuerySet[ReviewAssignment]:
    """The reviews that wait for the reviewer: pending, in an open round, on a submission that
    still waits for that stage."""
    return ReviewAssignment.objects.filter(
        _still_waiting(),
        district_id=district_id,
        reviewer_id=reviewer_id,
        status=ReviewAssignment.Status.PENDING,
    )


def _submission_waits(prefix: str = "") -> Q:
    """A review's submission still waits for the review's stage (``WAITING``); the review
    reached through ``prefix`` ("" for ReviewAssignment itself)."""
    return reduce(
        operator.or_,
        (
            Q(**{f"{prefix}stage": stage, f"{prefix}submission__status__in": statuses})
            for stage, statuses in WAITING.items()
        ),
    )


def waiting_q(prefix: str = "") -> Q:
    """A review that waits for its reviewer: pending, in an open round, on a submission that
    still waits for the review's stage (``WAITING``); reached through ``prefix`` ("" for
    ReviewAssignment itself). The one rule of a waiting review for every count and report; the
    queue's pages check the very same conditions in SQL of their own (``_still_waiting``), for
    the plan they need."""
    return Q(
        **{
            f"{prefix}status": ReviewAssignment.Status.PENDING,
            f"{prefix}stage_review__status": StageReview.Status.OPEN,
        }
    ) & _submission_waits(prefix)


def waiting_review_counts(*, now: datetime) -> dict[str, Coalesce]:
    """Annotations of a list of people: ``reviews_waiting``, how many reviews wait for each
    (the rule of their queue, ``_waiting_for``), and ``reviews_overdue``, how many of those are
    past due at ``now``. Subqueries of the list's own query: no query per person."""
    waiting = (
        ReviewAssignment.objects.filter(
            waiting_q(), district_id=OuterRef("district_id"), reviewer_id=OuterRef("pk")
        )
        .order_by()
        .values("reviewer_id")
    )

    def counted(assignments: QuerySet) -> Coalesce:
        return Coalesce(Subquery(assignments.annotate(n=Count("pk")).values("n")[:1]), 0)

    return {
        "reviews_waiting": counted(waiting),
        "reviews_overdue": counted(waiting.filter(due_at__lt=now)),
    }


class QueueRow(NamedTuple):
    """A row of the reviewer's queue, read as the columns it shows (``queue_rows``)."""

    pk: int
    stage: str
    submission_id: int
    educator: str
    building: str | None
    plan: str
    round: int
    microcredential: str
    stack: str | None
    opened_at: datetime
    due_at: datetime


_QUEUE_COLUMNS = (
    "pk",
    "stage",
    "submission_id",
    "submission__educator__first_name",
    "submission__educator__last_name",
    "submission__educator__email",
    "submission__educator__building__name",
    "submission__plan__title",
    "stage_review__round",
    "submission__plan__microcredential__title",
    "submission__plan__microcredential__stack__name",
    "opened_at",
    "due_at",
)


def queue_rows(rows) -> list[QueueRow]:
    """A queue's rows (read as ``_QUEUE_COLUMNS``), as tuples: fifty rows as model instances
    were eight objects each, most of the page's time."""
    return [
        QueueRow(
            pk,
            stage,
            submission_id,
            person_name(first, last, email),
            building,
            # What ``str(plan)`` says: its own title, else its micro-credential's.
            plan_title or microcredential,
            round_,
            microcredential,
            stack,
            opened_at,
            due_at,
        )
        for (
            pk,
            stage,
            submission_id,
            first,
            last,
            email,
            building,
            plan_title,
            round_,
            microcredential,
            stack,
            opened_at,
            due_at,
        ) in rows
    ]


def _queue(district_id: int, reviewer_id: int) -> QuerySet[ReviewAssignment]:
    return (
        _waiting_for(district_id, reviewer_id)
        .select_related(
            "stage_review",
            "submission__educator__building",
            "submission__plan__microcredential__stack",
        )
        # What a row of the queue shows, and no more: a page reads fifty of them per stage,
        # and the plan's and the submission's long texts are most of their bytes.
        .only(
            "stage",
            "opened_at",
            "due_at",
            "stage_review__round",
            "submission__educator__first_name",
            "submission__educator__last_name",
            "submission__educator__email",
            "submission__educator__building__name",
            "submission__plan__title",
            "submission__plan__microcredential__title",
            "submission__plan__microcredential__stack__name",
        )
        # The assignment's copy of its round's opening time: with one stage chosen, a page is
        # read in order from the ``review_queue_order`` index, whatever the number waiting.
        .order_by("opened_at", "id")
    )


def queue_for_reviewer(
    *, user: User, stage: str = "", state: str = "", q: str = "", now=None
) -> QuerySet[ReviewAssignment]:
    """What waits for this reviewer, oldest first; each slice of it is one query."""
    now = now or timezone.now()
    qs = _queue(user.district_id, user.pk)
    if stage:
        qs = qs.filter(stage=stage)
    if state == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif state == "due_soon":
        qs = qs.filter(due_at__gte=now, due_at__lt=now + timedelta(days=3))
    if q:
        qs = qs.filter(
            Q(submission__educator__first_name__icontains=q)
            | Q(submission__educator__last_name__icontains=q)
            | Q(submission__educator__email__icontains=q)
            | Q(submission__plan__title__icontains=q)
            | Q(submission__plan__microcredential__title__icontains=q)
        )
    return qs


QUEUE_PAGE_SIZE = 50
# How long the counts and the first pages filed under a queue stamp are kept unread.
QUEUE_FILED_SECONDS = 24 * 60 * 60


def _first_queue_page(district_id: int, reviewer_id: int, stage: str) -> QuerySet:
    return (
        _queue(district_id, reviewer_id)
        .filter(stage=stage)
        .values_list(*_QUEUE_COLUMNS)[: QUEUE_PAGE_SIZE + 1]
    )


# The queue as a reviewer opens it, unfiltered, at its first page: the SQL is built once per
# process (microcreds.prepared). A page's bounds are part of the SQL (LIMIT, OFFSET), and the
# filters change its shape: a later page, or a filtered one, is built each time. Its joins are
# the page's rows' parents, each by primary key, in the order written: weighing the orders of
# eight tables cost PostgreSQL 2.7 ms a page, four times running it (``written_join_order``).
# It is read in the ``review_queue_order`` index's order and planned without a sort
# (``in_index_order``): the plan PostgreSQL keeps walks the index for 7 waiting or 1,000.
_first_page_rows = PreparedQuery(
    _first_queue_page, int, int, str, written_join_order=True, in_index_order=True
)


def queue_stamp(*, user: User) -> int | None:
    """The queue stamp of the reviewer's district (``reviews.stamps``), under which the page's
    counts and first pages are filed; None where nothing filed under it can be trusted."""
    if user.district_id is None:
        return None
    return queue_stamps.current_stamp(district_id=user.district_id)


_READ = object()  # a stamp not read yet: the selector reads it


def queue_page(
    *,
    user: User,
    stage: str,
    page: int = 1,
    state: str = "",
    q: str = "",
    now=None,
    waiting: int | None = None,
    stamp: int | None | object = _READ,
) -> tuple[list[QueueRow], bool]:
    """Page ``page`` (of ``QUEUE_PAGE_SIZE`` rows) of what waits for this reviewer at
    ``stage`` (``queue_for_reviewer``), in one query, and whether a later page has rows.
    ``waiting``: how many wait at that stage (``queue_counts``, counted by the same rule); at 0
    no page of it, filtered or not, has a row, and none is asked for.

    The first page, unfiltered (the queue as a reviewer opens it), is filed under the queue
    stamp (``queue_stamp``): the stamp moves with everything that decides which reviews wait
    and with every value a row shows, so what is read back is what the query would read."""
    if waiting == 0:
        return [], False
    if page == 1 and not state and not q and user.district_id is not None:
        if stamp is _READ:
            stamp = queue_stamp(user=user)
        rows = _first_page(user, str(stage), stamp)
    else:
        start = (page - 1) * QUEUE_PAGE_SIZE
        rows = list(
            queue_for_reviewer(user=user, state=state, q=q, now=now)
            .filter(stage=stage)
            .values_list(*_QUEUE_COLUMNS)[start : start + QUEUE_PAGE_SIZE + 1]
        )
    return queue_rows(rows[:QUEUE_PAGE_SIZE]), len(rows) > QUEUE_PAGE_SIZE


def _first_page(user: User, stage: str, stamp: int | None) -> list[tuple]:
    key = f"reviews:queue-rows:{user.district_id}:{user.pk}:{stage}:{stamp}"
    rows = cache.get(key) if stamp is not None else None
    if rows is None:
        rows = _first_page_rows.all(user.district_id, user.pk, stage)
        if stamp is not None:
            cache.set(key, rows, QUEUE_FILED_SECONDS)
    return rows


def _counts(district_id: int, reviewer_id: int, moment: datetime) -> QuerySet:
    # Grouped by the reviewer: one group, and nothing waiting is no row. ``next_due``: the
    # soonest due time not yet passed, until which the overdue count holds.
    return (
        _waiting_for(district_id, reviewer_id)
        .values("reviewer_id")
        .annotate(
            plan=Count("id", filter=Q(stage=Stage.PLAN)),
            final=Count("id", filter=Q(stage=Stage.FINAL)),
            overdue=Count("id", filter=Q(due_at__lt=moment)),
            next_due=Min("due_at", filter=Q(due_at__gte=moment)),
        )
        .values_list("plan", "final", "overdue", "next_due")
    )


# Counted on every queue page: the SQL is built once per process (microcreds.prepared), and
# planned for each reviewer's number of waiting reviews.
_queue_counts = PreparedQuery(_counts, int, int, datetime, planned_per_call=True)


class _Counts(NamedTuple):
    plan: int
    final: int
    overdue: int
    counted_at: datetime
    next_due: datetime | None  # the overdue count holds from ``counted_at`` until then


def queue_counts(*, user: User, now=None, stamp: int | None | object = _READ) -> dict[str, int]:
    """Waiting reviews per stage and overdue, in one query; or, at a thousand waiting, none:
    filed under the district's queue stamp (``queue_stamp``), which moves with every change
    to the reviews, rounds and submissions they count, and read back while no due time has
    passed since they were counted."""
    now = now or timezone.now()
    if user.district_id is None:
        return {"plan": 0, "final": 0, "overdue": 0}
    if stamp is _READ:
        stamp = queue_stamp(user=user)
    key = f"reviews:queue-counts:{user.district_id}:{user.pk}:{stamp}"
    counts = cache.get(key) if stamp is not None else None
    if counts is None or not (
        counts.counted_at <= now and (counts.next_due is None or now < counts.next_due)
    ):
        row = _queue_counts.first(user.district_id, user.pk, now) or (0, 0, 0, None)
        counts = _Counts(*row[:3], counted_at=now, next_due=row[3])
        if stamp is not None:
            cache.set(key, counts, QUEUE_FILED_SECONDS)
    return {"plan": counts.plan, "final": counts.final, "overdue": counts.overdue}


# --- What the educator reads of the panel on the plan page and in its history ---------------

# The stage whose latest decision the plan page shows, by the submission's status, and its words.
FEEDBACK_STAGES: dict[str, str] = {
    SubmissionStatus.CHANGES_REQUESTED: Stage.PLAN,
    SubmissionStatus.DECLINED: Stage.PLAN,
    SubmissionStatus.PLAN_APPROVED: Stage.PLAN,
    SubmissionStatus.IN_PROGRESS: Stage.PLAN,
    SubmissionStatus.NOT_YET: Stage.FINAL,
    SubmissionStatus.EARNED: Stage.FINAL,
}
FEEDBACK_HEADLINES: dict[str, str] = {
    SubmissionStatus.CHANGES_REQUESTED: "The panel asked for changes to your plan",
    SubmissionStatus.DECLINED: "The panel declined this plan",
    SubmissionStatus.PLAN_APPROVED: "The panel approved your plan",
    SubmissionStatus.IN_PROGRESS: "The panel approved your plan",
    SubmissionStatus.NOT_YET: "Not yet: what the panel said of your evidence",
    SubmissionStatus.EARNED: "Earned: what the panel said of your evidence",
}


@dataclass(frozen=True)
class CriterionMark:
    reviewer: str
    level: str
    passed: bool
    feedback: str


@dataclass(frozen=True)
class PanelFeedback:
    """The panel's latest decision on a submission, as its educator reads it on the plan page:
    the decision, the reason, each reviewer's comments per component or marks per criterion,
    and what to do next. Reviewers are "Reviewer 1", "Reviewer 2", as on the feedback page."""

    stage_review: StageReview
    headline: str
    what_next: str
    reason: str
    conditions: str
    # The plan is closed (declined): a new plan starts from the catalog.
    closed: bool = False
    comments: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    marks: list[tuple[RubricCriterion, list[CriterionMark]]] = field(default_factory=list)
    overall: list[tuple[str, str]] = field(default_factory=list)


def _what_next(submission: Submission, *, conditions: str) -> str:
    if submission.status == SubmissionStatus.CHANGES_REQUESTED:
        button = EDUCATOR_MOVES["submit_plan"].button_for(submission.status)
        return (
            "Revise the parts of the plan the panel commented on, then press "
            f"“{button}”. The panel reads it again."
        )
    if submission.status == SubmissionStatus.DECLINED:
        return (
            "This plan is closed. You can choose a micro-credential in the catalog and start "
            "a new plan."
        )
    if submission.status == SubmissionStatus.NOT_YET:
        if submission.attempts_left == 0:
            return (
                f"You have used all {submission.district.max_attempts} attempts your district "
                "allows for a micro-credential; this one cannot be resubmitted."
            )
        button = EDUCATOR_MOVES["resubmit"].button_for(submission.status)
        left = submission.attempts_left
        return (
            "Strengthen the evidence for each criterion not yet met: add or replace evidence, "
            f"revise your results and reflection, then press “{button}”."
            + (f" You have {left} attempt{'s' if left != 1 else ''} left." if left else "")
        )
    if submission.status == SubmissionStatus.EARNED:
        return "Your certificate and badge are under My badges."
    if conditions:
        return (
            "Keep to these conditions as you carry out the plan; the panel reads them again "
            "with your evidence."
        )
    return "Carry out the plan with the panel’s comments in mind, then add your evidence."


def _submitted_work() -> Prefetch:
    """Each reviewer's submitted work of a round: their comments and scores."""
    return Prefetch(
        "assignments",
        queryset=ReviewAssignment.objects.filter(status=ReviewAssignment.Status.SUBMITTED)
        .order_by("assigned_at", "id")
        .prefetch_related("component_comments", "scores__level", "scores__criterion"),
    )


def _decided_rounds(submission_id: int, stage: str | None = None) -> QuerySet[StageReview]:
    """The submission's decided rounds (of ``stage``), newest first; without the reviewers'
    work (``_submitted_work``)."""
    rounds = StageReview.objects.filter(
        submission_id=submission_id, status=StageReview.Status.DECIDED
    )
    if stage is not None:
        rounds = rounds.filter(stage=stage)
    return rounds.select_related("attempt").order_by("-decided_at", "-id")


# The educator's plan page asks for the latest decided round of the stage its status follows:
# the SQL is built once per process (microcreds.prepared).
_latest_decided_round = PreparedQuery(
    lambda submission_id, stage: _decided_rounds(submission_id, stage)[:1],
    int,
    str,
)


def _reviewers(stage_review: StageReview) -> list[tuple[str, ReviewAssignment]]:
    return [(f"Reviewer {n}", a) for n, a in enumerate(stage_review.assignments.all(), start=1)]


def _comments(stage_review: StageReview) -> list[tuple[str, list[tuple[str, str]]]]:
    by_topic: dict[str, list[tuple[str, str]]] = {topic: [] for topic in CommentTopic.values}
    for name, review in _reviewers(stage_review):
        for comment in review.component_comments.all():
            by_topic[comment.component].append((name, comment.body))
    return [(CommentTopic(t).label, words) for t, words in by_topic.items() if words]


def _marks(stage_review: StageReview) -> list[tuple[RubricCriterion, list[CriterionMark]]]:
    by_criterion: dict[int, tuple[RubricCriterion, list[CriterionMark]]] = {}
    for name, review in _reviewers(stage_review):
        for score in review.scores.all():
            by_criterion.setdefault(score.criterion_id, (score.criterion, []))[1].append(
                CriterionMark(name, score.level.label, score.passed, score.feedback)
            )
    return sorted(by_criterion.values(), key=lambda row: (row[0].position, row[0].pk))


def plan_page_feedback(submission: Submission) -> PanelFeedback | None:
    """What the plan page says of the panel's latest decision: after a request for changes, a
    decline, a "not yet" or the award, and after an approval that set conditions, gave a reason
    or commented on a part of the plan. None otherwise."""
    stage = FEEDBACK_STAGES.get(submission.status)
    if stage is None:
        return None
    stage_review = _latest_decided_round.first(submission.pk, str(stage))
    if stage_review is None:
        return None
    prefetch_related_objects([stage_review], _submitted_work())
    final = stage == Stage.FINAL
    feedback = PanelFeedback(
        stage_review=stage_review,
        headline=FEEDBACK_HEADLINES[submission.status]
        + (" with conditions" if stage_review.conditions and not final else ""),
        what_next=_what_next(submission, conditions=stage_review.conditions),
        reason=stage_review.reason_in_brief,
        conditions=stage_review.conditions,
        closed=submission.status == SubmissionStatus.DECLINED,
        comments=_comments(stage_review),
        marks=_marks(stage_review) if final else [],
        overall=[
            (name, review.overall_comment)
            for name, review in _reviewers(stage_review)
            if review.overall_comment
        ],
    )
    approved = submission.status in (SubmissionStatus.PLAN_APPROVED, SubmissionStatus.IN_PROGRESS)
    if approved and not (feedback.conditions or feedback.reason or feedback.comments):
        return None  # an approval that says nothing more: the status says it all
    return feedback


def decisions_history(submission: Submission) -> list[HistoryEntry]:
    """The panel's decisions on a submission, each with its reason and comments, as entries of
    the plan's history."""
    entries = []
    for stage_review in _decided_rounds(submission.pk).prefetch_related(_submitted_work()):
        which = (
            f", attempt {stage_review.attempt.number}"
            if stage_review.attempt
            else (f", round {stage_review.round}" if stage_review.round > 1 else "")
        )
        details = []
        if stage_review.conditions:
            details.append(f"Conditions: {stage_review.conditions}")
        if stage_review.reason and (stage_review.stage == Stage.PLAN or stage_review.chair_reason):
            details.append(f"Reason: {stage_review.reason}")
        for topic, words in _comments(stage_review):
            details += [f"{name} on {topic}: {body}" for name, body in words]
        for criterion, marks in _marks(stage_review):
            details += [
                f"{mark.reviewer} on “{criterion.title}”: {mark.level} "
                f"({'met' if mark.passed else 'not yet met'})"
                + (f". {mark.feedback}" if mark.feedback else "")
                for mark in marks
            ]
        details += [
            f"{name}: {review.overall_comment}"
            for name, review in _reviewers(stage_review)
            if review.overall_comment
        ]
        entries.append(
            HistoryEntry(
                at=stage_review.decided_at,
                who="The panel’s chair" if stage_review.chair_reason else "The review panel",
                what=f"{stage_review.get_stage_display()}{which}: {stage_review.outcome_label}.",
                details=details,
            )
        )
    return entries


# The review pages read the rubric beside the plan or the evidence: the SQL of each of these is
# built once per process (microcreds.prepared).
_rubric = PreparedQuery(
    lambda microcredential_id: Rubric.objects.filter(
        microcredential_id=microcredential_id
    ).order_by("pk")[:1],
    int,
)
_rubric_criteria = PreparedQuery(
    lambda rubric_id: RubricCriterion.objects.filter(rubric_id=rubric_id).select_related(
        "evidence_type"
    ),
    int,
)
_rubric_levels = PreparedQuery(
    lambda rubric_id: RubricLevel.objects.filter(criterion__rubric_id=rubric_id), int
)


def rubric_for_reading(microcredential: MicroCredential) -> Rubric | None:
    """The micro-credential's rubric with its criteria (each with its evidence type) and their
    levels, for a reviewer to read beside the plan or the evidence (None: it has no rubric)."""
    rubric = _rubric.first(microcredential.pk)
    if rubric is None:
        return None
    criteria = _rubric_criteria.all(rubric.pk)
    levels: dict[int, list[RubricLevel]] = {criterion.pk: [] for criterion in criteria}
    if criteria:
        for level in _rubric_levels.all(rubric.pk):
            levels[level.criterion_id].append(level)
    for criterion in criteria:
        # What prefetch_related sets: each criterion knows its rubric, each level its criterion.
        criterion.rubric = rubric
        for level in levels[criterion.pk]:
            level.criterion = criterion
        as_prefetched(criterion, "levels", levels[criterion.pk])
    as_prefetched(rubric, "criteria", criteria)
    return rubric


def changes_for_round(stage_review: StageReview) -> dict | None:
    """For a second (or later) round of either stage: the round before it and what the
    educator changed since its decision. Pre-approval: the plan text (None when the text of
    then is not known). Final review, after a "not yet": the results and reflection (``changes``
    is None when their text of then is not known) and the evidence added (or replaced).
    None for a first round."""
    if stage_review.round < 2:
        return None
    previous = (
        StageReview.objects.filter(
            submission_id=stage_review.submission_id,
            stage=stage_review.stage,
            status=StageReview.Status.DECIDED,
            round__lt=stage_review.round,
        )
        .order_by("-round")
        .first()
    )
    if previous is None:
        return None
    submission = stage_review.submission
    if stage_review.stage == Stage.PLAN:
        changes = plan_changes_since(submission, previous.decided_at)
        if changes is None:
            return None
        return {
            "since": previous,
            "since_label": f"round {previous.round}",
            "text_name": "The plan text",
            "changes": changes,
        }
    return {
        "since": previous,
        "since_label": f"attempt {previous.round}",
        "text_name": "The impact results and reflection",
        "changes": results_changes_since(submission, previous.decided_at),
        "evidence_added": evidence_added_since(submission, previous.decided_at),
    }


def rounds_waiting_for_chair(*, user: User, now: datetime | None = None) -> list[StageReview]:
    """Rounds this person decides as chair; a district admin also takes those whose panel has
    no acting chair (``chair_absent``: none, or deactivated; and of no panel)."""
    chaired = Q(panel__chair_id=user.pk)
    if user.has_role(Role.DISTRICT_ADMIN):
        chaired |= chair_absent()
    rounds = StageReview.objects.filter(
        chaired, district_id=user.district_id, status=StageReview.Status.CHAIR
    )
    return list(
        with_round_due(rounds, now=now or timezone.now())
        .select_related("panel__chair", "submission__educator", "submission__plan__microcredential")
        .order_by("opened_at", "id")
    )


# Which reviews a panel report counts, as a condition on the model queried, reaching the review
# assignment through the prefix it is given ("" for ReviewAssignment itself): the reports' filters
# (reports.selectors.review_assignments_within); every review without them.
Within = Callable[[str], Q]


def _every_review(prefix: str) -> Q:
    return Q()


def reviewer_workload(*, district_id: int, now=None, within: Within = _every_review) -> list[User]:
    """Per reviewer: waiting, overdue and done reviews, and the mean days to a review, of the
    reviews ``within`` keeps. Every reviewer of the district is listed."""
    now = now or timezone.now()
    # A review is waiting while it waits for its reviewer (``waiting_q``); a deactivated
    # reviewer's is no longer theirs (``reviews_needing_reviewer`` counts it).
    pending = within("review_assignments__") & waiting_q("review_assignments__") & Q(is_active=True)
    done = within("review_assignments__") & Q(
        review_assignments__status=ReviewAssignment.Status.SUBMITTED
    )
    return list(
        User.objects.filter(district_id=district_id, is_reviewer=True)
        .annotate(
            waiting=Count("review_assignments", filter=pending),
            overdue=Count(
                "review_assignments", filter=pending & Q(review_assignments__due_at__lt=now)
            ),
            done=Count("review_assignments", filter=done),
            late=Count(
                "review_assignments",
                filter=done
                & Q(review_assignments__submitted_at__gt=F("review_assignments__due_at")),
            ),
            turnaround=Avg(
                F("review_assignments__submitted_at") - F("review_assignments__assigned_at"),
                filter=done,
            ),
        )
        .order_by("-waiting", "last_name", "first_name")
    )


def reviews_needing_reviewer(
    *, district_id: int, now=None, within: Within = _every_review
) -> dict[str, int]:
    """The waiting reviews of the district flagged "Needs another reviewer"
    (``needs_another_reviewer_q``: their reviewer was deactivated and nobody took them), of
    those ``within`` keeps: ``waiting``, and ``overdue`` of them. Counted apart from every
    person, as waiting reviews are counted in ``reviewer_workload``."""
    now = now or timezone.now()
    return ReviewAssignment.objects.filter(
        within(""),
        needs_another_reviewer_q(),
        waiting_q(),
        district_id=district_id,
    ).aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))


def panel_agreement(*, district_id: int, within: Within = _every_review) -> list[dict]:
    """Per panel: of the criteria scored by two or more reviewers in a final round, the share
    on which they agreed (all passed it or none did), and the share with the very same level;
    of the reviews ``within`` keeps."""
    rows = (
        CriterionScore.objects.filter(
            within("assignment__"),
            assignment__district_id=district_id,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .values("assignment__stage_review__panel_id", "assignment__stage_review_id", "criterion_id")
        .annotate(
            n=Count("id"),
            passes=Count("id", filter=Q(passed=True)),
            levels=Count("level_id", distinct=True),
        )
    )
    totals: dict[int | None, dict] = {}
    for row in rows:
        if row["n"] < 2:
            continue
        entry = totals.setdefault(
            row["assignment__stage_review__panel_id"],
            {"criteria": 0, "agreed": 0, "same_level": 0, "rounds": set()},
        )
        entry["criteria"] += 1
        entry["agreed"] += row["passes"] in (0, row["n"])
        entry["same_level"] += row["levels"] == 1
        entry["rounds"].add(row["assignment__stage_review_id"])
    names = dict(Panel.objects.filter(district_id=district_id).values_list("id", "name"))
    result = []
    for panel_id, name in sorted(names.items(), key=lambda item: item[1]):
        entry = totals.get(panel_id, {"criteria": 0, "agreed": 0, "same_level": 0, "rounds": ()})
        result.append(
            {
                "panel": name,
                "rounds": len(entry["rounds"]),
                "criteria": entry["criteria"],
                "agreement": entry["agreed"] / entry["criteria"] if entry["criteria"] else None,
                "same_level": entry["same_level"] / entry["criteria"]
                if entry["criteria"]
                else None,
            }
        )
    return result


def open_rounds_for_manager(*, user: User, now: datetime | None = None) -> list[StageReview]:
    """Rounds still with the panel that this person may manage: every one of the district for
    a district admin, those of their panels for a chair; each with when it is due and whether
    it is overdue (``with_round_due``). Oldest first; fixed query count."""
    qs = StageReview.objects.filter(
        district_id=user.district_id,
        status__in=(StageReview.Status.OPEN, StageReview.Status.CHAIR),
    ).filter(_submission_waits())
    if not user.has_role(Role.DISTRICT_ADMIN):
        qs = qs.filter(panel__chair_id=user.pk)
    return list(
        with_round_due(qs, now=now or timezone.now())
        .select_related("panel", "submission__educator", "submission__plan__microcredential")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(status__in=ACTIVE).select_related(
                    "reviewer"
                ),
            )
        )
        .order_by("opened_at", "id")
    )


def panels_of_district(*, district_id: int) -> list[Panel]:
    return list(
        Panel.objects.filter(district_id=district_id)
        .select_related("chair")
        .prefetch_related("members", "buildings", "stacks")
    )


# --- What a reviewer, a chair and the educator read --------------------------------------------


def rubric_criteria(*, microcredential_id: int, with_levels: bool = False) -> list[RubricCriterion]:
    criteria = RubricCriterion.objects.filter(rubric__microcredential_id=microcredential_id)
    if with_levels:
        criteria = criteria.prefetch_related("levels")
    return list(criteria)


def renewed_award(submission: Submission) -> Award | None:
    """The award a renewal renews (reviewers read it is a renewal, and of what); None for a
    first earning."""
    if not submission.renews_id:
        return None
    return (
        Award.objects.filter(submission_id=submission.renews_id)
        .select_related("microcredential")
        .first()
    )


# The plan as the panel reads it, on every plan review page: the SQL of each of these is built
# once per process (microcreds.prepared).
_group_names = PreparedQuery(
    lambda plan_id, submission_id: (
        Submission.objects.filter(plan_id=plan_id)
        .exclude(pk=submission_id)
        .values_list("educator__first_name", "educator__last_name", "educator__email")
    ),
    int,
    int,
)


def plan_context(submission: Submission) -> dict:
    """The plan as the panel reads it: its sources, goals, group, and the educator's own
    micro-credential proposed with it."""
    plan = submission.plan
    microcredential = plan.microcredential
    # The other members' names, and the goals' titles: the columns the page shows.
    group = [person_name(*names) for names in _group_names.all(plan.pk, submission.pk)]
    # An educator's own micro-credential is read with its plan; a group member's plan may come
    # to the panel after the proposal was approved with the lead's.
    proposal = microcredential.status in (
        MicroCredential.Status.PROPOSED,
        MicroCredential.Status.APPROVED,
    )
    # Read as the educator's plan page reads them (prepared queries, one home).
    read_plan_text_lists(plan)
    return {
        "plan": plan,
        "microcredential": microcredential,
        "sources": list(plan.sources.all()),
        "district_goals": [goal.title for goal in plan.district_goals.all()],
        "group": group,
        "proposal": proposal,
        "proposal_criteria": (
            rubric_criteria(microcredential_id=microcredential.pk) if proposal else []
        ),
    }


def _rounds_before(submission_id: int, stage: str, exclude_id: int) -> QuerySet[StageReview]:
    return (
        StageReview.objects.filter(
            ~Q(status=StageReview.Status.OPEN) & ~Q(pk=exclude_id),
            submission_id=submission_id,
            stage=stage,
        )
        .select_related("attempt")
        .order_by("-round")
    )


# Every review page lists the rounds before its own: the SQL is built once per process
# (microcreds.prepared).
_earlier_rounds = PreparedQuery(_rounds_before, int, str, int)


def decided_rounds(
    *, submission: Submission, stage: str, exclude: StageReview | None = None
) -> list[StageReview]:
    """Earlier decided rounds of a stage, newest first, with every reviewer's submitted work."""
    if exclude is not None:
        rounds = _earlier_rounds.all(submission.pk, str(stage), exclude.pk)
    else:
        rounds = list(
            StageReview.objects.filter(
                ~Q(status=StageReview.Status.OPEN), submission_id=submission.pk, stage=stage
            )
            .select_related("attempt")
            .order_by("-round")
        )
    # Most reviews are of a first round: the reviewers' work is looked up only when there are
    # earlier rounds to show it for.
    if rounds:
        prefetch_related_objects(
            rounds,
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(status=AssignmentStatus.SUBMITTED)
                .select_related("reviewer")
                .prefetch_related("component_comments", "scores__level", "scores__criterion"),
            ),
        )
    return rounds


def evidence_by_criterion(
    *, submission: Submission, criteria: list[RubricCriterion]
) -> tuple[dict[int, list[Artifact]], list[Artifact]]:
    """The accepted evidence of ``submission`` under each criterion, and the rest."""
    artifacts = (
        Artifact.objects.filter(submission=submission, status=Artifact.Status.ACCEPTED)
        .select_related("evidence_type", "attempt")
        .order_by("created_at")
    )
    by_criterion: dict[int, list[Artifact]] = {c.pk: [] for c in criteria}
    other = []
    for artifact in artifacts:
        if artifact.criterion_id in by_criterion:
            by_criterion[artifact.criterion_id].append(artifact)
        else:
            other.append(artifact)
    return by_criterion, other


# The reviewer's own comments, on every plan review page: the SQL is built once per process
# (microcreds.prepared).
_component_comments = PreparedQuery(
    lambda assignment_id: ComponentComment.objects.filter(assignment_id=assignment_id), int
)


def own_comments(assignment: ReviewAssignment) -> dict[str, str]:
    """The reviewer's comment on each component of the plan (their draft, or what they
    submitted), by component."""
    return {c.component: c.body for c in _component_comments.all(assignment.pk)}


def fellow_reviews(assignment: ReviewAssignment, *, prefetch: tuple[str, ...] = ()) -> list:
    """The other reviewers' submitted reviews of the round: none until this reviewer has
    submitted theirs."""
    if assignment.status != AssignmentStatus.SUBMITTED:
        return []
    return list(
        assignment.stage_review.assignments.filter(status=AssignmentStatus.SUBMITTED)
        .exclude(pk=assignment.pk)
        .select_related("reviewer")
        .prefetch_related(*prefetch)
    )


def scores_by_criterion(assignments: list[ReviewAssignment]) -> dict[int, list[CriterionScore]]:
    scores: dict[int, list[CriterionScore]] = {}
    for score in CriterionScore.objects.filter(assignment__in=assignments).select_related(
        "level", "assignment__reviewer"
    ):
        scores.setdefault(score.criterion_id, []).append(score)
    return scores


def round_agreement(stage_review: StageReview) -> tuple[list[int], list[int]]:
    """Criterion ids the submitted reviewers agreed on (all pass or all not), and those they
    disagreed on."""
    by_criterion: dict[int, set[bool]] = {}
    for score in CriterionScore.objects.filter(
        assignment__stage_review=stage_review, assignment__status=AssignmentStatus.SUBMITTED
    ):
        by_criterion.setdefault(score.criterion_id, set()).add(score.passed)
    agreed = [c for c, verdicts in by_criterion.items() if len(verdicts) == 1]
    disagreed = [c for c, verdicts in by_criterion.items() if len(verdicts) > 1]
    return agreed, disagreed


def feedback_rounds(submission: Submission) -> list[StageReview]:
    """Every decided round of the submission, newest first, as the educator reads it."""
    return list(
        StageReview.objects.filter(submission=submission, status=StageReview.Status.DECIDED)
        .select_related("attempt")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(
                    status=AssignmentStatus.SUBMITTED
                ).prefetch_related("component_comments", "scores__level", "scores__criterion"),
            )
        )
        .order_by("-decided_at", "-id")
    )


def round_under_way(submission: Submission) -> StageReview | None:
    """The round the submission waits on, with the reviewers or the chair."""
    return StageReview.objects.filter(
        submission=submission, status__in=(StageReview.Status.OPEN, StageReview.Status.CHAIR)
    ).first()


def panel_levels(submission: Submission) -> dict[int, RubricLevel]:
    """The level the panel found on each rubric criterion in the round that decided the
    submission last: the lowest any of its reviewers gave, so that every reviewer found at least
    that level. Empty when no final round with scores was decided."""
    stage_review = (
        StageReview.objects.filter(
            submission=submission, stage=Stage.FINAL, status=StageReview.Status.DECIDED
        )
        .order_by("-decided_at", "-id")
        .first()
    )
    if stage_review is None:
        return {}
    levels: dict[int, RubricLevel] = {}
    for score in CriterionScore.objects.filter(
        assignment__stage_review=stage_review, assignment__status=AssignmentStatus.SUBMITTED
    ).select_related("level"):
        found = levels.get(score.criterion_id)
        if found is None or score.level.score < found.score:
            levels[score.criterion_id] = score.level
    return levels
