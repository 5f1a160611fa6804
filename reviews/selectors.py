"""Reads of the review side, always scoped to the reader's district."""

from datetime import timedelta

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from submissions.models import Submission

from .models import CriterionScore, Panel, ReviewAssignment, StageReview
from .services import WAITING

ACTIVE = (ReviewAssignment.Status.PENDING, ReviewAssignment.Status.SUBMITTED)


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


def panels_chaired_by(user: User) -> QuerySet[Panel]:
    return Panel.objects.filter(district_id=user.district_id, chair_id=user.pk)


def stage_reviews_visible_to(user: User) -> QuerySet[StageReview]:
    """Rounds a user may open: assigned to them, chaired by them, or any of their district for
    a district admin."""
    qs = StageReview.objects.filter(district_id=user.district_id)
    if user.is_district_admin and user.is_active:
        return qs
    return qs.filter(
        Q(assignments__reviewer_id=user.pk, assignments__status__in=ACTIVE)
        | Q(panel__chair_id=user.pk)
    ).distinct()


def queue_for_reviewer(
    *, user: User, stage: str = "", state: str = "", q: str = "", now=None
) -> QuerySet[ReviewAssignment]:
    """What waits for this reviewer, oldest first; each slice of it is one query."""
    now = now or timezone.now()
    qs = (
        ReviewAssignment.objects.filter(
            district_id=user.district_id,
            reviewer_id=user.pk,
            status=ReviewAssignment.Status.PENDING,
            stage_review__status=StageReview.Status.OPEN,
        )
        .filter(
            Q(stage="plan", submission__status__in=WAITING["plan"])
            | Q(stage="final", submission__status__in=WAITING["final"])
        )
        .select_related(
            "stage_review",
            "submission__educator__building",
            "submission__plan__microcredential__stack",
        )
        .order_by("stage_review__opened_at", "id")
    )
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


def queue_counts(*, user: User, now=None) -> dict[str, int]:
    """Waiting reviews per stage and overdue, in one query."""
    now = now or timezone.now()
    return ReviewAssignment.objects.filter(
        district_id=user.district_id,
        reviewer_id=user.pk,
        status=ReviewAssignment.Status.PENDING,
        stage_review__status=StageReview.Status.OPEN,
    ).aggregate(
        plan=Count("id", filter=Q(stage="plan", submission__status__in=WAITING["plan"])),
        final=Count("id", filter=Q(stage="final", submission__status__in=WAITING["final"])),
        overdue=Count(
            "id",
            filter=Q(due_at__lt=now)
            & (
                Q(stage="plan", submission__status__in=WAITING["plan"])
                | Q(stage="final", submission__status__in=WAITING["final"])
            ),
        ),
    )


def rounds_waiting_for_chair(*, user: User) -> list[StageReview]:
    """Rounds this person decides as chair; a district admin also takes those of panels
    without a chair (and of no panel)."""
    chaired = Q(panel__chair_id=user.pk)
    if user.is_district_admin:
        chaired |= Q(panel__isnull=True) | Q(panel__chair__isnull=True)
    return list(
        StageReview.objects.filter(
            chaired, district_id=user.district_id, status=StageReview.Status.CHAIR
        )
        .select_related("submission__educator", "submission__plan__microcredential")
        .order_by("opened_at", "id")
    )


def reviewer_workload(*, district_id: int, now=None) -> list[User]:
    """Per reviewer: waiting, overdue and done reviews, and the mean days to a review."""
    now = now or timezone.now()
    # A review is waiting only while its submission still waits for that stage.
    pending = Q(review_assignments__status=ReviewAssignment.Status.PENDING) & (
        Q(
            review_assignments__stage="plan",
            review_assignments__submission__status__in=WAITING["plan"],
        )
        | Q(
            review_assignments__stage="final",
            review_assignments__submission__status__in=WAITING["final"],
        )
    )
    done = Q(review_assignments__status=ReviewAssignment.Status.SUBMITTED)
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


def panel_agreement(*, district_id: int) -> list[dict]:
    """Per panel: of the criteria scored by two or more reviewers in a final round, the share
    on which they agreed (all passed it or none did), and the share with the very same level."""
    rows = (
        CriterionScore.objects.filter(
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


def open_rounds_for_manager(*, user: User) -> list[StageReview]:
    """Rounds still with the panel that this person may manage: every one of the district for
    a district admin, those of their panels for a chair. Oldest first; fixed query count."""
    qs = StageReview.objects.filter(
        district_id=user.district_id,
        status__in=(StageReview.Status.OPEN, StageReview.Status.CHAIR),
    ).filter(
        Q(stage="plan", submission__status__in=WAITING["plan"])
        | Q(stage="final", submission__status__in=WAITING["final"])
    )
    if not user.is_district_admin:
        qs = qs.filter(panel__chair_id=user.pk)
    return list(
        qs.select_related("panel", "submission__educator", "submission__plan__microcredential")
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
