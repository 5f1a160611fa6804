"""Object access of the review pages: return the object or raise 404 (another district, or
something this person may not know exists) or 403 (known, but not theirs to act on)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import require_role
from microcreds.prepared import PreparedQuery
from submissions.models import Submission
from submissions.services import PLAN_TEXT_FIELDS, RESULTS_FIELDS

from .models import Panel, ReviewAssignment, StageReview
from .selectors import (
    can_manage_round,
    is_panel_chair,
    reviewer_can_see_submission,
    with_round_due,
)


def require_admin_or_chair(user: User) -> None:
    """The pages that follow the panels' work: for district admins and panel chairs."""
    if not (user.has_role(Role.DISTRICT_ADMIN) or is_panel_chair(user)):
        raise PermissionDenied("This page is for district admins and panel chairs.")


# What the review pages (plan, final, closed) read of the review, its round, the educator, the
# plan and its micro-credential, and no more: each column joined adds to a query compiled on
# each view (all of these tables' columns were a third of the page's time). Any other field is
# still there for whoever asks, read from the database on first use.
_REVIEW_PAGE_COLUMNS = (
    *(field.name for field in ReviewAssignment._meta.concrete_fields),
    *(
        f"stage_review__{name}"
        for name in ("submission", "stage", "round", "status", "outcome", "decided_at")
    ),
    *(f"submission__{name}" for name in ("district", "plan", "educator", "status", "renews")),
    *(f"submission__{name}" for name in RESULTS_FIELDS),
    *(f"submission__educator__{name}" for name in ("first_name", "last_name", "email")),
    "submission__plan__microcredential",
    *(f"submission__plan__{name}" for name in PLAN_TEXT_FIELDS),
    *(
        f"submission__plan__microcredential__{name}"
        for name in (
            "title",
            "version",
            "status",
            "competency",
            "key_method",
            "method_components",
            "submission_guidelines",
            "renewal_plan",
        )
    ),
)


# Every review page reads its assignment: the SQL is built once per process
# (microcreds.prepared).
_review_page_assignment = PreparedQuery(
    lambda pk, district_id: (
        ReviewAssignment.objects.select_related(
            "stage_review",
            "submission__educator",
            "submission__plan__microcredential",
        )
        .only(*_REVIEW_PAGE_COLUMNS)
        .filter(pk=pk, district_id=district_id)
    ),
    int,
    int,
)


def get_assignment_for_user(user: User, pk: int) -> ReviewAssignment:
    """The assigned reviewer's own review (pending, submitted, or one taken from them: they see
    that it was reassigned)."""
    # Every assignment is of a district: someone of none has none.
    assignment = _review_page_assignment.first(pk, user.district_id) if user.district_id else None
    if assignment is None:
        raise Http404  # no reason shown, as from get_object_or_404
    if assignment.reviewer_id != user.pk:
        raise PermissionDenied("This review is assigned to someone else.")
    submission = assignment.submission
    if submission.district_id == user.district_id:
        # The reviewer's own district, whose row came with them: not joined a second time.
        submission.district = user.district
    return assignment


def get_assignment_for_manager(user: User, pk: int) -> ReviewAssignment:
    """A review of a round this person manages (to reassign it): the chair of its panel and
    the district's admins."""
    require_role(user, Role.REVIEWER, Role.DISTRICT_ADMIN)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("stage_review__panel", "submission"),
        pk=pk,
        district_id=user.district_id,
    )
    if not can_manage_round(user=user, stage_review=assignment.stage_review):
        raise PermissionDenied("Only the panel's chair or a district admin may reassign.")
    return assignment


def get_stage_review_for_user(user: User, pk: int) -> StageReview:
    """A round, for the chair of its panel and the district's admins; with when it is due and
    whether it is overdue (``with_round_due``)."""
    require_role(user, Role.REVIEWER, Role.DISTRICT_ADMIN)
    stage_review = get_object_or_404(
        with_round_due(StageReview.objects.all(), now=timezone.now()).select_related(
            "panel__chair",
            "attempt",
            "submission__educator__building",
            "submission__plan__microcredential",
            "submission__district",
        ),
        pk=pk,
        district_id=user.district_id,
    )
    if not can_manage_round(user=user, stage_review=stage_review):
        raise PermissionDenied("Only the panel's chair or a district admin may open this round.")
    return stage_review


def get_submission_feedback_for_user(user: User, pk: int) -> Submission:
    """The panel's decisions and feedback on a submission: for its educator (also from a
    district they have left, whose record it stays), its reviewers and chair, and the
    district's admins. Other educators do not learn that it exists."""
    submission = get_object_or_404(
        Submission.objects.select_related("plan__microcredential", "educator", "district"),
        Q(district_id=user.district_id) | Q(educator_id=user.pk),
        pk=pk,
    )
    if submission.educator_id == user.pk:
        return submission
    if submission.district_id != user.district_id:
        raise Http404
    if user.has_role(Role.DISTRICT_ADMIN):
        return submission
    if reviewer_can_see_submission(user=user, submission=submission):
        return submission
    if user.has_role(Role.REVIEWER):
        raise PermissionDenied("You are not reviewing this submission.")
    raise Http404


def get_panel_for_admin(user: User, pk: int) -> Panel:
    panel = get_object_or_404(Panel, pk=pk, district_id=user.district_id)
    if not user.has_role(Role.DISTRICT_ADMIN):
        raise PermissionDenied("Only district admins manage panels.")
    return panel
