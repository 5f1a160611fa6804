"""The reviewer's and chair's pages, and the educator's feedback page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from accounts.permissions import district_admin_required, require_role, reviewer_required
from artifacts.models import Artifact
from credentials.models import MicroCredential, RubricCriterion
from microcreds.pagination import page_number
from submissions.models import Submission
from submissions.transitions import TransitionError

from . import selectors, services
from .forms import (
    ChairFinalForm,
    ChairPlanForm,
    PanelForm,
    PlanDecisionForm,
    QueueFilterForm,
    ReassignForm,
    ScoreForm,
)
from .models import (
    CommentTopic,
    CriterionScore,
    Panel,
    ReviewAssignment,
    Stage,
    StageReview,
)
from .permissions import (
    get_assignment_for_user,
    get_panel_for_admin,
    get_stage_review_for_user,
    get_submission_feedback_for_user,
)

AssignmentStatus = ReviewAssignment.Status


QUEUE_PAGE_SIZE = 50


@require_GET
@reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = page_number(request)
    now = timezone.now()
    waiting = selectors.queue_for_reviewer(
        user=request.user,
        state=filters.get("state", ""),
        q=filters.get("q", "").strip(),
        now=now,
    )
    start = (page - 1) * QUEUE_PAGE_SIZE
    stages, items, more = [], [], False
    for value, label in Stage.choices:
        if filters.get("stage") and filters["stage"] != value:
            continue
        # One query per stage, one page of it: the page costs the same at 10 or 10,000 waiting.
        rows = list(waiting.filter(stage=value)[start : start + QUEUE_PAGE_SIZE + 1])
        more = more or len(rows) > QUEUE_PAGE_SIZE
        stages.append((value, label, rows[:QUEUE_PAGE_SIZE]))
        items += rows[:QUEUE_PAGE_SIZE]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/queue.html",
        {
            "form": form,
            "stages": stages,
            "items": items,
            "counts": selectors.queue_counts(user=request.user, now=now),
            "chair_rounds": selectors.rounds_waiting_for_chair(user=request.user),
            "is_chair": selectors.panels_chaired_by(request.user).exists(),
            "now": now,
            "filtered": any(filters.values()),
            "page": page,
            "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None,
            "query": query.urlencode(),
        },
    )


def _plan_context(submission: Submission) -> dict:
    plan = submission.plan
    microcredential = plan.microcredential
    group = [
        s.educator
        for s in Submission.objects.filter(plan=plan)
        .exclude(pk=submission.pk)
        .select_related("educator")
    ]
    # An educator's own micro-credential is read with its plan; a group member's plan may come
    # to the panel after the proposal was approved with the lead's.
    proposal = microcredential.status in (
        MicroCredential.Status.PROPOSED,
        MicroCredential.Status.APPROVED,
    )
    criteria = (
        list(RubricCriterion.objects.filter(rubric__microcredential=microcredential))
        if proposal
        else []
    )
    return {
        "plan": plan,
        "microcredential": microcredential,
        "sources": list(plan.sources.all()),
        "district_goals": list(plan.district_goals.all()),
        "group": group,
        "proposal": proposal,
        "proposal_criteria": criteria,
    }


def _history(submission: Submission, stage: str, exclude: StageReview | None = None) -> list:
    """Earlier decided rounds of a stage, with every reviewer's submitted work."""
    rounds = (
        StageReview.objects.filter(submission=submission, stage=stage)
        .exclude(status=StageReview.Status.OPEN)
        .select_related("attempt")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(status=AssignmentStatus.SUBMITTED)
                .select_related("reviewer")
                .prefetch_related("component_comments", "scores__level", "scores__criterion"),
            )
        )
        .order_by("-round")
    )
    if exclude is not None:
        rounds = rounds.exclude(pk=exclude.pk)
    return list(rounds)


@require_http_methods(["GET", "POST"])
@reviewer_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, pk)
    if not assignment.is_active:
        # Reassigned away: the plan and its evidence are no longer this reviewer's to read.
        return render(request, "reviews/review_closed.html", {"assignment": assignment})
    if assignment.stage == Stage.PLAN:
        return _plan_review(request, assignment)
    return _final_review(request, assignment)


def _plan_review(request: HttpRequest, assignment: ReviewAssignment) -> HttpResponse:
    submission = assignment.submission
    context = _plan_context(submission)
    topics = [t for t in CommentTopic.values if t != CommentTopic.PROPOSAL or context["proposal"]]
    existing = {c.component: c.body for c in assignment.component_comments.all()}
    initial = {f"comment_{topic}": body for topic, body in existing.items()}
    form = PlanDecisionForm(request.POST or None, topics=topics, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_decide(
                assignment=assignment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                conditions=form.cleaned_data["conditions"],
                comments=form.comments(),
                actor=request.user,
            )
        except (services.ReviewError, TransitionError) as error:
            messages.error(request, str(error))
            return redirect("reviews:review", pk=assignment.pk)
        messages.success(request, "Your decision is recorded.")
        return redirect("reviews:review", pk=assignment.pk)
    others = []
    if assignment.status == AssignmentStatus.SUBMITTED:
        # Reviewers see each other's decisions only once they have submitted their own.
        others = list(
            assignment.stage_review.assignments.filter(status=AssignmentStatus.SUBMITTED)
            .exclude(pk=assignment.pk)
            .select_related("reviewer")
            .prefetch_related("component_comments")
        )
    comment_fields = dict(zip(topics, form.comment_fields(), strict=True))
    return render(
        request,
        "reviews/plan_review.html",
        {
            **context,
            "assignment": assignment,
            "submission": submission,
            "form": form,
            "comment_fields": comment_fields,
            "my_comments": existing,
            "others": others,
            "history": _history(submission, Stage.PLAN, exclude=assignment.stage_review),
            "rubric": selectors.rubric_for_reading(context["microcredential"]),
            "changes_since": selectors.plan_changes_for_round(assignment.stage_review),
            "can_decide": assignment.status == AssignmentStatus.PENDING
            and assignment.stage_review.status == StageReview.Status.OPEN
            and submission.status in services.WAITING[Stage.PLAN],
        },
    )


def _evidence_by_criterion(submission: Submission, criteria: list) -> tuple[dict, list]:
    artifacts = list(
        Artifact.objects.filter(submission=submission, status=Artifact.Status.ACCEPTED)
        .select_related("evidence_type", "attempt")
        .order_by("created_at")
    )
    known = {c.pk for c in criteria}
    by_criterion: dict[int, list] = {c.pk: [] for c in criteria}
    other = []
    for artifact in artifacts:
        if artifact.criterion_id in known:
            by_criterion[artifact.criterion_id].append(artifact)
        else:
            other.append(artifact)
    return by_criterion, other


def _final_review(request: HttpRequest, assignment: ReviewAssignment) -> HttpResponse:
    submission = assignment.submission
    microcredential = submission.plan.microcredential
    criteria = list(
        RubricCriterion.objects.filter(rubric__microcredential=microcredential).prefetch_related(
            "levels"
        )
    )
    mine = {s.criterion_id: s for s in assignment.scores.all()}
    initial = {"overall_comment": assignment.overall_comment}
    for criterion_id, score in mine.items():
        initial[f"level_{criterion_id}"] = score.level_id
        initial[f"feedback_{criterion_id}"] = score.feedback
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_submit(
                assignment=assignment,
                levels=form.levels(),
                feedback=form.feedback(),
                overall_comment=form.cleaned_data["overall_comment"],
                actor=request.user,
            )
        except (services.ReviewError, TransitionError) as error:
            messages.error(request, str(error))
            return redirect("reviews:review", pk=assignment.pk)
        messages.success(request, "Your scores are recorded.")
        return redirect("reviews:review", pk=assignment.pk)
    evidence, other_evidence = _evidence_by_criterion(submission, criteria)
    others: dict[int, list[CriterionScore]] = {}
    other_reviews = []
    if assignment.status == AssignmentStatus.SUBMITTED:
        other_reviews = list(
            assignment.stage_review.assignments.filter(status=AssignmentStatus.SUBMITTED)
            .exclude(pk=assignment.pk)
            .select_related("reviewer")
        )
        for score in CriterionScore.objects.filter(assignment__in=other_reviews).select_related(
            "level", "assignment__reviewer"
        ):
            others.setdefault(score.criterion_id, []).append(score)
    rows = [
        {
            "criterion": criterion,
            "level_field": form[f"level_{criterion.pk}"],
            "feedback_field": form[f"feedback_{criterion.pk}"],
            "evidence": evidence[criterion.pk],
            "mine": mine.get(criterion.pk),
            "others": others.get(criterion.pk, []),
        }
        for criterion in criteria
    ]
    district = submission.district
    return render(
        request,
        "reviews/final_review.html",
        {
            "assignment": assignment,
            "submission": submission,
            "plan": submission.plan,
            "microcredential": microcredential,
            "rubric": selectors.rubric_for_reading(microcredential),
            "form": form,
            "rows": rows,
            "other_evidence": other_evidence,
            "other_reviews": other_reviews,
            "history": _history(submission, Stage.FINAL, exclude=assignment.stage_review),
            "max_attempts": district.max_attempts,
            "can_decide": assignment.status == AssignmentStatus.PENDING
            and assignment.stage_review.status == StageReview.Status.OPEN
            and submission.status in services.WAITING[Stage.FINAL],
        },
    )


def _require_reviewer_or_admin(user: User) -> None:
    require_role(user, Role.REVIEWER, Role.DISTRICT_ADMIN)


@require_GET
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer_or_admin(request.user)
    stage_review = get_stage_review_for_user(request.user, pk)
    submission = stage_review.submission
    assignments = list(stage_review.assignments.select_related("reviewer"))
    # A chair who is also a reviewer of this round still owes their own review: like every
    # reviewer, they see the others' decisions and scores only once theirs is in.
    own_review = next(
        (
            a
            for a in assignments
            if a.reviewer_id == request.user.pk and a.status == AssignmentStatus.PENDING
        ),
        None,
    )
    agreed, disagreed = [], []
    if own_review is None:
        prefetch_related_objects(
            assignments, "component_comments", "scores__level", "scores__criterion"
        )
        agreed, disagreed = services.round_agreement(stage_review)
    chair_form = None
    if stage_review.status == StageReview.Status.CHAIR:
        if stage_review.stage == Stage.PLAN:
            chair_form = ChairPlanForm()
        else:
            chair_form = ChairFinalForm(initial={"outcome": stage_review.recommendation})
    reassign_forms = {}
    if stage_review.status == StageReview.Status.OPEN:
        candidates = services.reviewer_candidates(submission=submission, panel=None)
        taken = {a.reviewer_id for a in assignments}
        eligible = User.objects.filter(pk__in=[c.pk for c in candidates if c.pk not in taken])
        for assignment in assignments:
            if assignment.status == AssignmentStatus.PENDING:
                reassign_forms[assignment.pk] = ReassignForm(
                    reviewers=eligible, prefix=f"a{assignment.pk}"
                )
    criteria = list(
        RubricCriterion.objects.filter(
            rubric__microcredential_id=submission.plan.microcredential_id
        )
    )
    evidence, other_evidence = (
        _evidence_by_criterion(submission, criteria)
        if stage_review.stage == Stage.FINAL
        else ({}, [])
    )
    context = {
        "stage_review": stage_review,
        "evidence_rows": [(c, evidence.get(c.pk, [])) for c in criteria],
        "other_evidence": other_evidence,
        "submission": submission,
        "assignments": assignments,
        "reassign_rows": [(a, reassign_forms.get(a.pk)) for a in assignments],
        "disagreed": set(disagreed),
        "agreed": set(agreed),
        "chair_form": chair_form,
        "criteria": criteria,
        "own_review": own_review,
    }
    if stage_review.stage == Stage.PLAN:
        context.update(_plan_context(submission))
    return render(request, "reviews/round.html", context)


@require_GET
@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """Open reviews to follow up and reassign: the district's for admins, a chair's panels'."""
    user = request.user
    is_chair = user.has_role(Role.REVIEWER) and selectors.panels_chaired_by(user).exists()
    if not (user.has_role(Role.DISTRICT_ADMIN) or is_chair):
        raise PermissionDenied("Open reviews are for district admins and panel chairs.")
    return render(
        request,
        "reviews/rounds.html",
        {"rounds": selectors.open_rounds_for_manager(user=user), "now": timezone.now()},
    )


@require_POST
@login_required
def chair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer_or_admin(request.user)
    stage_review = get_stage_review_for_user(request.user, pk)
    form_class = ChairPlanForm if stage_review.stage == Stage.PLAN else ChairFinalForm
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or 'Decision'}: {' '.join(errors)}")
        return redirect("reviews:round", pk=stage_review.pk)
    try:
        if stage_review.stage == Stage.PLAN:
            services.plan_chair_decide(
                stage_review=stage_review,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                conditions=form.cleaned_data["conditions"],
                actor=request.user,
            )
        else:
            services.final_chair_decide(
                stage_review=stage_review,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
    except (services.ReviewError, TransitionError) as error:
        messages.error(request, str(error))
        return redirect("reviews:round", pk=stage_review.pk)
    messages.success(request, "The decision is recorded and the educator is told.")
    return redirect("reviews:round", pk=stage_review.pk)


@require_POST
@login_required
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer_or_admin(request.user)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("stage_review__panel", "submission"),
        pk=pk,
        district_id=request.user.district_id,
    )
    if not services.can_manage_round(user=request.user, stage_review=assignment.stage_review):
        raise PermissionDenied("Only the panel's chair or a district admin may reassign.")
    reviewers = User.objects.filter(
        district_id=request.user.district_id, is_reviewer=True, is_active=True
    )
    form = ReassignForm(request.POST, reviewers=reviewers, prefix=f"a{assignment.pk}")
    if not form.is_valid():
        messages.error(request, "Choose a reviewer of the district.")
        return redirect("reviews:round", pk=assignment.stage_review_id)
    try:
        new = services.assignment_reassign(
            assignment=assignment, to_reviewer=form.cleaned_data["to_reviewer"], actor=request.user
        )
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Reassigned to {new.reviewer.display_name}.")
    return redirect("reviews:round", pk=assignment.stage_review_id)


@require_GET
@login_required
def feedback(request: HttpRequest, submission_pk: int) -> HttpResponse:
    """What the panel decided and said, for the educator: every round, newest first."""
    submission = get_submission_feedback_for_user(request.user, submission_pk)
    rounds = list(
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
    waiting = StageReview.objects.filter(
        submission=submission, status__in=(StageReview.Status.OPEN, StageReview.Status.CHAIR)
    ).first()
    district = submission.district
    return render(
        request,
        "reviews/feedback.html",
        {
            "submission": submission,
            "rounds": rounds,
            "waiting": waiting,
            "max_attempts": district.max_attempts,
            "attempts_left": submission.attempts_left,
        },
    )


# --- Panels and reports (district admins; chairs see the reports) -----------------------------


@require_GET
@district_admin_required
def panels(request: HttpRequest) -> HttpResponse:
    items = list(
        Panel.objects.filter(district_id=request.user.district_id)
        .select_related("chair")
        .prefetch_related("members", "buildings", "stacks")
    )
    return render(request, "reviews/panels.html", {"panels": items})


@require_http_methods(["GET", "POST"])
@district_admin_required
def panel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    panel = get_panel_for_admin(request.user, pk) if pk else Panel(district=request.user.district)
    form = PanelForm(request.POST or None, instance=panel, district=request.user.district)
    if request.method == "POST" and form.is_valid():
        saved = services.panel_save(form=form, actor=request.user)
        messages.success(request, f"Panel “{saved.name}” saved.")
        return redirect("reviews:panels")
    return render(request, "reviews/panel_form.html", {"form": form, "panel": panel})


@require_GET
@login_required
def panel_report(request: HttpRequest) -> HttpResponse:
    user = request.user
    chairs = selectors.panels_chaired_by(user).exists() if user.has_role(Role.REVIEWER) else False
    if not (user.has_role(Role.DISTRICT_ADMIN) or chairs):
        raise PermissionDenied("Panel reports are for district admins and panel chairs.")
    workload = selectors.reviewer_workload(district_id=user.district_id)
    for person in workload:
        person.turnaround_days = (
            round(person.turnaround.total_seconds() / 86400, 1) if person.turnaround else None
        )
    return render(
        request,
        "reviews/report.html",
        {
            "workload": workload,
            "agreement": selectors.panel_agreement(district_id=user.district_id),
            "turnaround_days": user.district.review_turnaround_days,
        },
    )
