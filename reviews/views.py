"""The reviewer's and chair's pages, and the educator's feedback page."""

from datetime import date, datetime
from functools import lru_cache

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import district_admin_required, reviewer_required
from microcreds.fragments import digest
from microcreds.pagination import page_number
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
from .models import CommentTopic, Panel, ReviewAssignment, Stage, StageReview
from .permissions import (
    get_assignment_for_manager,
    get_assignment_for_user,
    get_panel_for_admin,
    get_stage_review_for_user,
    get_submission_feedback_for_user,
    require_admin_or_chair,
)

AssignmentStatus = ReviewAssignment.Status


@lru_cache(maxsize=2048)
def _day_written(day: date, language: str | None, pattern: str) -> str:
    """``day`` as ``|date`` writes it in ``pattern`` (the site's DATE_FORMAT) and ``language``
    (its month names): the same words each time, so written once per process."""
    return dateformat.format(day, pattern)


def _queue_shown(rows: list[selectors.QueueRow], now: datetime) -> list[tuple]:
    """A stage's rows of the queue as the page shows them, in the order of its columns: plain
    values, nothing else for the template to read. The days are written here (the site's
    DATE_FORMAT, as ``|date`` writes it), each day once per process: writing each row's two
    through the template was 40 % of rendering a page of them, and writing each day once per
    page still a fifth of a page of 70 rows."""
    zone, language, pattern = (
        timezone.get_current_timezone(),
        get_language(),
        get_format("DATE_FORMAT"),
    )
    # Each row's review page, its address reversed once per page: ``{% url %}`` for each row
    # was 45 % of rendering a page of them.
    marker = "987654321"
    review_path = reverse("reviews:review", args=[int(marker)])

    def day(moment: datetime) -> str:
        return _day_written(moment.astimezone(zone).date(), language, pattern)

    return [
        (
            review_path.replace(marker, str(row.pk)),
            row.educator,
            row.building,
            row.plan,
            row.round,
            row.microcredential,
            row.stack,
            day(row.opened_at),
            day(row.due_at),
            row.due_at < now,
        )
        for row in rows
    ]


def _shown_key(rows: list[tuple]) -> str:
    """A hash of the values the rows show: their rendering is cached under it (``fragments``),
    so a row that changed, came or went (or became overdue) is a new key and shows at once."""
    return digest(rows)


@require_GET
@reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = page_number(request)
    now = timezone.now()
    stamp = selectors.queue_stamp(user=request.user)
    counts = selectors.queue_counts(user=request.user, now=now, stamp=stamp)
    stages, items, more = [], [], False
    for value, label in Stage.choices:
        if filters.get("stage") and filters["stage"] != value:
            continue
        # One query per stage with reviews waiting, one page of it: the page costs the same at
        # 10 or 10,000 waiting.
        rows, more_here = selectors.queue_page(
            user=request.user,
            stage=value,
            page=page,
            state=filters.get("state", ""),
            q=filters.get("q", "").strip(),
            now=now,
            waiting=counts[value],
            stamp=stamp,
        )
        more = more or more_here
        shown = _queue_shown(rows, now)
        stages.append((value, label, shown, _shown_key(shown), counts[value]))
        items += rows
    query = request.GET.copy()
    query.pop("page", None)
    is_chair = selectors.is_panel_chair(request.user)
    is_admin = request.user.has_role(Role.DISTRICT_ADMIN)
    return render(
        request,
        "reviews/queue.html",
        {
            "form": form,
            "stages": stages,
            "items": items,
            "counts": counts,
            # Only a panel's chair or a district admin decides rounds as chair: for anyone else
            # there is none to read.
            "chair_rounds": (
                selectors.rounds_waiting_for_chair(user=request.user, now=now)
                if is_chair or is_admin
                else []
            ),
            "is_chair": is_chair,
            "is_admin": is_admin,
            "now": now,
            "filtered": any(filters.values()),
            "page": page,
            "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None,
            "query": query.urlencode(),
        },
    )


def _field_groups(form: forms.Form, *, shape: object) -> dict[str, str]:
    """Each field of ``form`` as the page shows it (label, hint, message, input), by name.

    Unbound, a form made from the same ``shape`` (what its fields are built from: the topics,
    the criteria and their levels) with the same initial values renders the very same HTML:
    that rendering is kept in each process (``fragments``), keyed on both, so a changed comment,
    criterion or level is a new key and shows at once. A bound form (its messages) is rendered
    each time."""
    if form.is_bound:
        return {name: form[name].as_field_group() for name in form.fields}
    key = "review-field-groups:" + digest((type(form).__name__, shape, form.initial))
    groups = caches["fragments"].get(key)
    if groups is None:
        groups = {name: form[name].as_field_group() for name in form.fields}
        caches["fragments"].set(key, groups)
    return groups


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
    context = selectors.plan_context(submission)
    topics = [t for t in CommentTopic.values if t != CommentTopic.PROPOSAL or context["proposal"]]
    existing = selectors.own_comments(assignment)
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
    can_decide = assignment.awaits_decision
    field_groups = _field_groups(form, shape=topics) if can_decide else {}
    comment_fields = {topic: field_groups.get(f"comment_{topic}") for topic in topics}
    return render(
        request,
        "reviews/plan_review.html",
        {
            **context,
            "assignment": assignment,
            "submission": submission,
            "form": form,
            "field_groups": field_groups,
            "comment_fields": comment_fields,
            "my_comments": existing,
            "others": selectors.fellow_reviews(assignment, prefetch=("component_comments",)),
            "history": selectors.decided_rounds(
                submission=submission, stage=Stage.PLAN, exclude=assignment.stage_review
            ),
            "rubric": selectors.rubric_for_reading(context["microcredential"]),
            "changes_since": selectors.changes_for_round(assignment.stage_review),
            "can_decide": can_decide,
            "renewed_award": selectors.renewed_award(submission),
        },
    )


def _final_review(request: HttpRequest, assignment: ReviewAssignment) -> HttpResponse:
    submission = assignment.submission
    microcredential = submission.plan.microcredential
    criteria = selectors.rubric_criteria(microcredential_id=microcredential.pk, with_levels=True)
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
    evidence, other_evidence = selectors.evidence_by_criterion(
        submission=submission, criteria=criteria
    )
    other_reviews = selectors.fellow_reviews(assignment)
    others = selectors.scores_by_criterion(other_reviews)
    can_decide = assignment.awaits_decision
    field_groups = (
        _field_groups(
            form,
            shape=[
                (c.pk, c.title, [(level.pk, level.label, level.score) for level in c.levels.all()])
                for c in criteria
            ],
        )
        if can_decide
        else {}
    )
    rows = [
        {
            "criterion": criterion,
            "level_field": field_groups.get(f"level_{criterion.pk}"),
            "feedback_field": field_groups.get(f"feedback_{criterion.pk}"),
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
            "renewed_award": selectors.renewed_award(submission),
            "rubric": selectors.rubric_for_reading(microcredential),
            "form": form,
            "field_groups": field_groups,
            "rows": rows,
            "other_evidence": other_evidence,
            "other_reviews": other_reviews,
            "history": selectors.decided_rounds(
                submission=submission, stage=Stage.FINAL, exclude=assignment.stage_review
            ),
            "changes_since": selectors.changes_for_round(assignment.stage_review),
            "max_attempts": district.max_attempts,
            "can_decide": can_decide,
        },
    )


@require_GET
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, get_stage_review_for_user(request.user, pk))


def _round_page(request: HttpRequest, stage_review, chair_form=None) -> HttpResponse:
    """A round's page; ``chair_form``: the chair's decision as sent, with its errors."""
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
        agreed, disagreed = selectors.round_agreement(stage_review)
    if stage_review.status != StageReview.Status.CHAIR:
        chair_form = None
    elif chair_form is None:
        if stage_review.stage == Stage.PLAN:
            chair_form = ChairPlanForm()
        else:
            chair_form = ChairFinalForm(initial={"outcome": stage_review.recommendation})
    reassign_forms = {}
    # Why nobody may be given the round's waiting reviews, when nobody may: said once, above
    # the reviewers, instead of a choice with nothing in it.
    shortage, nobody_else = [], False
    waiting = [a for a in assignments if a.status == AssignmentStatus.PENDING]
    if stage_review.status == StageReview.Status.OPEN and waiting:
        on_round = [a.reviewer_id for a in assignments]
        # Read once for every row's choice (the same people may take any of them).
        eligible = list(
            selectors.reviewers_who_may_take(
                submission=submission, panel=stage_review.panel
            ).exclude(pk__in=on_round)
        )
        for assignment in waiting:
            reassign_forms[assignment.pk] = ReassignForm(
                reviewers=selectors.reviewers_of_district(district_id=stage_review.district_id),
                listed=eligible,
                prefix=f"a{assignment.pk}",
            )
        nobody_else = not eligible
        if nobody_else:
            shortage = selectors.reviewer_shortage(
                submission=submission, panel=stage_review.panel, on_round=on_round
            )
    criteria = selectors.rubric_criteria(microcredential_id=submission.plan.microcredential_id)
    evidence, other_evidence = (
        selectors.evidence_by_criterion(submission=submission, criteria=criteria)
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
        "shortage": shortage,
        "nobody_else": nobody_else,
        "is_admin": request.user.has_role(Role.DISTRICT_ADMIN),
        "disagreed": set(disagreed),
        "agreed": set(agreed),
        "chair_form": chair_form,
        "criteria": criteria,
        "own_review": own_review,
        # What the plan or the evidence is judged against, as the reviewers read it.
        "microcredential": submission.plan.microcredential,
        "rubric": selectors.rubric_for_reading(submission.plan.microcredential),
    }
    if stage_review.stage == Stage.PLAN:
        context.update(selectors.plan_context(submission))
    status = 400 if chair_form is not None and chair_form.is_bound else 200
    return render(request, "reviews/round.html", context, status=status)


@require_GET
@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """Open reviews to follow up and reassign: the district's for admins, a chair's panels'."""
    require_admin_or_chair(request.user)
    now = timezone.now()
    return render(
        request,
        "reviews/rounds.html",
        {
            "rounds": selectors.open_rounds_for_manager(user=request.user, now=now),
            # What this person decides as chair, or in the place of a panel's missing chair.
            "chair_rounds": selectors.rounds_waiting_for_chair(user=request.user, now=now),
            "is_admin": request.user.has_role(Role.DISTRICT_ADMIN),
        },
    )


@require_POST
@login_required
def chair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    stage_review = get_stage_review_for_user(request.user, pk)
    form_class = ChairPlanForm if stage_review.stage == Stage.PLAN else ChairFinalForm
    form = form_class(request.POST)
    if not form.is_valid():
        # The page again, with what the chair chose and wrote, and what is missing beside it.
        return _round_page(request, stage_review, chair_form=form)
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
        stage_review.refresh_from_db()
        if stage_review.status == StageReview.Status.CHAIR:
            # Still the chair's to decide ("explain the decision"): the form as sent, and why.
            form.add_error(None, str(error))
            return _round_page(request, stage_review, chair_form=form)
        messages.error(request, str(error))
        return redirect("reviews:round", pk=stage_review.pk)
    messages.success(request, "The decision is recorded and the educator is told.")
    return redirect("reviews:round", pk=stage_review.pk)


@require_POST
@login_required
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_manager(request.user, pk)
    reviewers = selectors.reviewers_of_district(district_id=request.user.district_id)
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
    district = submission.district
    return render(
        request,
        "reviews/feedback.html",
        {
            "submission": submission,
            "rounds": selectors.feedback_rounds(submission),
            "waiting": selectors.round_under_way(submission),
            "max_attempts": district.max_attempts,
            "attempts_left": submission.attempts_left,
        },
    )


# --- Panels and reports (district admins; chairs see the reports) -----------------------------


@require_GET
@district_admin_required
def panels(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/panels.html",
        {"panels": selectors.panels_of_district(district_id=request.user.district_id)},
    )


@require_http_methods(["GET", "POST"])
@district_admin_required
def panel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    panel = get_panel_for_admin(request.user, pk) if pk else Panel(district=request.user.district)
    form = PanelForm(request.POST or None, instance=panel, district=request.user.district)
    if request.method == "POST" and form.is_valid():
        saved = services.panel_save(
            panel=panel if pk else None,
            district=request.user.district,
            actor=request.user,
            **form.cleaned_data,
        )
        messages.success(request, f"Panel “{saved.name}” saved.")
        return redirect("reviews:panels")
    return render(request, "reviews/panel_form.html", {"form": form, "panel": panel})
