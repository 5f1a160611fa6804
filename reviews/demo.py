"""Demo panel: a chair and four reviewers (the demo reviewer among them), every waiting plan and
submission assigned, and rounds at every stage: waiting for a first decision, overdue, a revised
plan, a submission half-scored, a resubmission, and a disagreement waiting for the chair.

Runs after ``submissions.demo`` and uses the submissions it made, found by status; what is
missing is made through the submissions services (educator moves) and ours (panel moves).
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.demo import demo_person
from accounts.models import Building, District, User
from artifacts.models import Artifact
from credentials.models import MicroCredential, RubricLevel
from submissions import services as submission_services
from submissions.demo import PLANS
from submissions.models import Plan, PlanSource, Submission

from . import selectors, services
from .models import Panel, ReviewAssignment, Stage, StageReview

SubmissionStatus = Submission.Status

REVIEWERS = [
    ("dana.whitaker@example.org", "Dana", "Whitaker", "Prairie View Middle"),
    ("jordan.bell@example.org", "Jordan", "Bell", "Prairie View Middle"),
    ("taylor.singh@example.org", "Taylor", "Singh", "Prairie View High"),
    ("morgan.diaz@example.org", "Morgan", "Diaz", "Prairie View Elementary"),
]

PLAN_TEXT = {
    "rationale": "Students in my reading block lose ten minutes a day between stations.",
    "hypothesis": "If I teach and rehearse station routines, transitions will take under four "
    "minutes and students will read longer.",
    "personal_goal": "Reclaim instructional time through explicit routines.",
    "building_goal": "Increase minutes of engaged reading in every K–5 classroom.",
    "actions": "Teach three station routines in week one, rehearse daily, pre-correct before "
    "every transition, and time transitions with a visible timer.",
    "setting": "classroom",
    "timeline": "Six weeks, October to mid-November.",
    "affected": "22 second-grade students.",
    "impact_measures": "Timed transitions (baseline and weekly), minutes of reading logged per "
    "station, and a four-question student survey.",
}
SOURCES = [
    (
        "Wong, H. K., & Wong, R. T. (2018). The First Days of School (5th ed.).",
        PlanSource.Kind.BOOK,
        "Routines are taught and rehearsed, not announced.",
    ),
    (
        "Simonsen, B., et al. (2008). Evidence-based practices in classroom management. "
        "Education and Treatment of Children, 31(3), 351–380.",
        PlanSource.Kind.ARTICLE,
        "Structure and explicit expectations have the strongest evidence.",
    ),
    (
        "Lemov, D. (2021). Teach Like a Champion 3.0. Jossey-Bass.",
        PlanSource.Kind.BOOK,
        "Tight transitions, practised until automatic, protect learning time.",
    ),
]
RESULTS = {
    "impact_results": "Transitions fell from 8.5 to 3.5 minutes on average; logged reading "
    "minutes rose from 14 to 21 per day. 18 of 22 students said they knew what to do next.",
    "reflection_practice": "Rehearsing routines, not explaining them, made the difference.",
    "reflection_feedback": "Students asked to keep the timer; the reading specialist noticed "
    "calmer stations.",
    "reflection_changes": "I will start the routines on day one next year and add picture cards.",
}
WEEKLY_TIMINGS = "Weekly averages: 8.5, 6.0, 5.1, 4.4, 3.8 and 3.5 minutes (weeks 1 to 6)."
# What the revised plan adds where the panel asked how reading minutes are measured.
READING_MINUTES = (
    "Reading minutes are measured from each student's station log, totalled every Friday."
)


def _reviewer(district: District, buildings: dict[str, Building], row: tuple) -> User:
    email, first, last, building = row
    return demo_person(
        district=district,
        email=email,
        first_name=first,
        last_name=last,
        building=buildings.get(building),
        is_reviewer=True,
    )


def _educator(district: District, email: str, first: str, last: str, building) -> User:
    return demo_person(
        district=district,
        email=email,
        first_name=first,
        last_name=last,
        building=building,
        is_educator=True,
    )


def _submitted_plan(entry: MicroCredential, educator: User) -> Submission:
    """A complete plan of ``educator``, submitted for pre-approval (educator services)."""
    submission, _ = submission_services.plan_start(microcredential=entry, actor=educator)
    plan = submission.plan
    submission_services.plan_text_save(
        submission=submission,
        values=PLAN_TEXT,
        district_goals=list(plan.district.goals.filter(active=True)[:1]),
        sources=[
            {"citation": citation, "kind": kind, "url": "", "learned": learned}
            for citation, kind, learned in SOURCES
        ],
        version=plan.version,
        actor=educator,
    )
    return submission_services.submission_submit_plan(submission=submission, actor=educator)


def _assignments(submission: Submission, stage: str) -> list[ReviewAssignment]:
    services.reviewers_assign(submission_id=submission.pk, stage=stage)
    return list(
        ReviewAssignment.objects.filter(
            submission=submission, stage=stage, status=ReviewAssignment.Status.PENDING
        ).select_related("reviewer", "stage_review")
    )


def _with_reviewer(
    assignments: list[ReviewAssignment], reviewer: User, chair: User
) -> list[ReviewAssignment]:
    """Make sure the demo reviewer holds one of these reviews (the chair reassigns)."""
    if not assignments or any(a.reviewer_id == reviewer.pk for a in assignments):
        return assignments
    first = assignments[0]
    if selectors.reviewer_ineligibility(
        reviewer=reviewer, submission=first.submission, panel=first.stage_review.panel
    ):
        return assignments
    new = services.assignment_reassign(
        assignment=assignments[-1], to_reviewer=reviewer, actor=chair
    )
    return [*assignments[:-1], new]


def _score(assignment: ReviewAssignment, passes: list[bool], comment: str) -> None:
    criteria = list(assignment.submission.plan.microcredential.rubric.criteria.all())
    levels, feedback = {}, {}
    for index, criterion in enumerate(criteria):
        passed = passes[index % len(passes)]
        ordered = list(RubricLevel.objects.filter(criterion=criterion).order_by("score"))
        passing = [lvl for lvl in ordered if criterion.passes(lvl.score)]
        failing = [lvl for lvl in ordered if not criterion.passes(lvl.score)]
        level = (passing[0] if passed or not failing else failing[-1]) if ordered else None
        if level is None:
            continue
        levels[criterion.pk] = level.pk
        feedback[criterion.pk] = (
            "The timing log shows it clearly." if passed else "The evidence does not show this yet."
        )
    services.scores_submit(
        assignment=assignment,
        levels=levels,
        feedback=feedback,
        overall_comment=comment,
        actor=assignment.reviewer,
    )


def _to_final_review(submission: Submission, reviewer: User, chair: User) -> Submission:
    """Approve the plan through the panel, then the educator works and submits for review."""
    educator = submission.educator
    for assignment in _with_reviewer(_assignments(submission, Stage.PLAN), reviewer, chair):
        services.plan_decide(
            assignment=assignment,
            decision="approve",
            reason="",
            comments={"implementation": "Good, concrete routines; keep the timer visible."},
            actor=assignment.reviewer,
        )
    submission_services.submission_start_work(submission=submission, actor=educator)
    submission.refresh_from_db()
    submission_services.submission_results_save(
        submission=submission, values=RESULTS, version=submission.version, actor=educator
    )
    criteria = list(submission.plan.microcredential.rubric.criteria.all())
    for criterion in criteria or [None]:
        Artifact.objects.create(
            district=submission.district,
            submission=submission,
            criterion=criterion,
            kind=Artifact.Kind.LINK,
            title=f"Evidence: {criterion.title}" if criterion else "Transition timing log",
            description="Shared document with the weekly timings and notes.",
            url="https://docs.example.org/prairie-view/station-routines",
            status=Artifact.Status.ACCEPTED,
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
            uploaded_by=educator,
        )
    return submission_services.submission_submit_for_review(submission=submission, actor=educator)


# How long each of the demo's submitted reviews took, from assignment to submission, in the
# order they were made (seeded reviews are submitted the moment they are assigned): a spread
# around a week, one of them late (past the district's 14 days), so the panel report's "mean
# days to review" and "done late" mean something.
REVIEW_DAYS = (3.5, 9.0, 6.25, 12.5, 2.0, 16.5, 7.75, 4.5, 10.0, 5.25)
# A review submitted within this of its assignment was made by the seed in one go.
SEEDED_AT_ONCE = timedelta(minutes=5)


def _give_reviews_their_time(district: District) -> None:
    """Move each review submitted at once by the seed back in time (its assignment, its copy
    of the round's opening and its due date) by the next of ``REVIEW_DAYS``; a decided round
    opened and was due as its longest review. Reviews that waited
    already are left as they are, so seeding again changes nothing."""
    submitted = list(
        ReviewAssignment.objects.filter(
            district=district,
            status=ReviewAssignment.Status.SUBMITTED,
            submitted_at__lt=F("assigned_at") + SEEDED_AT_ONCE,
        ).order_by("id")
    )
    rounds: dict[int, timedelta] = {}
    for index, assignment in enumerate(submitted):
        took = timedelta(days=REVIEW_DAYS[index % len(REVIEW_DAYS)])
        ReviewAssignment.objects.filter(pk=assignment.pk).update(
            assigned_at=assignment.submitted_at - took,
            opened_at=assignment.opened_at - took,
            due_at=assignment.due_at - took,
        )
        rounds[assignment.stage_review_id] = max(took, rounds.get(assignment.stage_review_id, took))
    # A round still with its reviewers or its chair keeps its due date (nothing new overdue).
    still_open = set(
        ReviewAssignment.objects.filter(stage_review_id__in=rounds)
        .exclude(status=ReviewAssignment.Status.SUBMITTED)
        .values_list("stage_review_id", flat=True)
    )
    decided = StageReview.objects.filter(pk__in=set(rounds) - still_open).exclude(
        status__in=(StageReview.Status.OPEN, StageReview.Status.CHAIR)
    )
    for stage_review in decided:
        took = rounds[stage_review.pk]
        StageReview.objects.filter(pk=stage_review.pk).update(
            opened_at=stage_review.opened_at - took, due_at=stage_review.due_at - took
        )


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    _seed_reviews(district=district, people=people, buildings=buildings)
    _give_reviews_their_time(district)


def _seed_reviews(*, district: District, people: dict[str, User], buildings: dict) -> None:
    reviewer = people["reviewer"]
    chair, jordan, taylor, morgan = (_reviewer(district, buildings, row) for row in REVIEWERS)
    panel, _ = Panel.objects.get_or_create(
        district=district,
        name="Prairie View Educator Panel",
        defaults={
            "description": "Pre-approves plans and scores submissions for every building.",
            "chair": chair,
        },
    )
    panel.members.set([reviewer, jordan, taylor, morgan])

    # Everything the submissions demo left waiting for the panel gets its reviewers.
    waiting = Submission.objects.filter(district=district).order_by("id")
    for submission in waiting.filter(status=SubmissionStatus.PLAN_SUBMITTED):
        _with_reviewer(_assignments(submission, Stage.PLAN), reviewer, chair)
    for submission in waiting.filter(
        status__in=(SubmissionStatus.SUBMITTED_FOR_REVIEW, SubmissionStatus.RESUBMITTED)
    ):
        _with_reviewer(_assignments(submission, Stage.FINAL), reviewer, chair)

    # Elena's writing-feedback plan: the panel asks for changes, with a reason and comments
    # per component, which her plan page shows beside "Submit the revised plan".
    asked = waiting.filter(
        educator=people["educator"],
        status=SubmissionStatus.PLAN_SUBMITTED,
        plan__title=PLANS["feedback"]["title"],
    )
    for submission in asked:
        for assignment in _assignments(submission, Stage.PLAN):
            services.plan_decide(
                assignment=assignment,
                decision="request_changes",
                reason="Say how you will count a substantive revision, and add a source on "
                "conferring.",
                comments={
                    "impact": "Define “substantive”: a changed claim, new evidence or a "
                    "reorganised paragraph?",
                    "knowledge": "Add a source on writing conferences (Anderson’s “How’s It "
                    "Going?” would do).",
                },
                actor=assignment.reviewer,
            )

    catalog = list(
        MicroCredential.objects.filter(
            district=district,
            status=MicroCredential.Status.PUBLISHED,
            rubric__criteria__isnull=False,
        )
        .distinct()
        .order_by("title")
    )
    if not catalog:
        return
    elementary = buildings.get("Prairie View Elementary")
    nadia = _educator(district, "nadia.haddad@example.org", "Nadia", "Haddad", elementary)
    owen = _educator(district, "owen.price@example.org", "Owen", "Price", elementary)
    lena = _educator(district, "lena.brooks@example.org", "Lena", "Brooks", elementary)
    ben = _educator(district, "ben.carter@example.org", "Ben", "Carter", elementary)
    ivy = _educator(district, "ivy.chen@example.org", "Ivy", "Chen", elementary)

    # An overdue plan: submitted three weeks ago, still with the demo reviewer.
    overdue = _submitted_plan(catalog[0], nadia)
    three_weeks_ago = timezone.now() - timedelta(days=21)
    for assignment in _with_reviewer(_assignments(overdue, Stage.PLAN), reviewer, chair):
        StageReview.objects.filter(pk=assignment.stage_review_id).update(
            opened_at=three_weeks_ago, due_at=three_weeks_ago + timedelta(days=14)
        )
        # Each assignment keeps a copy of its round's opening time (the queue's order).
        ReviewAssignment.objects.filter(stage_review_id=assignment.stage_review_id).update(
            opened_at=three_weeks_ago, due_at=three_weeks_ago + timedelta(days=14)
        )

    # A revised plan: the panel asked for changes; the educator resubmitted (round 2).
    revised = _submitted_plan(catalog[1 % len(catalog)], owen)
    for assignment in _with_reviewer(_assignments(revised, Stage.PLAN), reviewer, chair):
        services.plan_decide(
            assignment=assignment,
            decision="request_changes",
            reason="Say how you will measure reading minutes, and add a third source.",
            comments={"impact": "The survey is a good idea; add the questions."},
            actor=assignment.reviewer,
        )
    # Owen answers: how reading minutes are measured (round 2 reads it as changed).
    submission_services.plan_text_save(
        submission=revised,
        values={
            **PLAN_TEXT,
            "impact_measures": f"{PLAN_TEXT['impact_measures']} {READING_MINUTES}",
        },
        district_goals=list(revised.plan.district_goals.all()),
        sources=[
            {"citation": citation, "kind": kind, "url": "", "learned": learned}
            for citation, kind, learned in SOURCES
        ],
        version=Plan.objects.get(pk=revised.plan_id).version,
        actor=owen,
    )
    revised = submission_services.submission_submit_plan(submission=revised, actor=owen)
    _assignments(revised, Stage.PLAN)

    # Half-scored: one reviewer submitted scores, the demo reviewer has not (hidden from them).
    half = _to_final_review(_submitted_plan(catalog[2 % len(catalog)], lena), reviewer, chair)
    reviews = _with_reviewer(_assignments(half, Stage.FINAL), reviewer, chair)
    for assignment in reviews:
        if assignment.reviewer_id != reviewer.pk:
            _score(assignment, [True], "Clear, well-documented routines.")

    # A disagreement waiting for the chair: one reviewer passes every criterion, one does not.
    split = _to_final_review(_submitted_plan(catalog[3 % len(catalog)], ben), reviewer, chair)
    verdicts = [[True], [True, False]]
    for assignment, passes in zip(_assignments(split, Stage.FINAL), verdicts, strict=False):
        _score(assignment, passes, "See my notes per criterion.")

    # A resubmission after "not yet": the history keeps attempt 1 and its scores.
    again = _to_final_review(_submitted_plan(catalog[4 % len(catalog)], ivy), reviewer, chair)
    for assignment in _assignments(again, Stage.FINAL):
        _score(assignment, [False], "The impact data is missing; add the weekly timings.")
    again.refresh_from_db()
    if again.status == SubmissionStatus.NOT_YET:
        # Ivy answers: the weekly timings in her results, and a timing log replacing the first
        # piece of evidence (the reviewers of attempt 2 see both as what changed).
        submission_services.submission_results_save(
            submission=again,
            values={**RESULTS, "impact_results": f"{RESULTS['impact_results']} {WEEKLY_TIMINGS}"},
            version=again.version,
            actor=ivy,
        )
        first = again.artifacts.filter(attempt__isnull=False).order_by("id").first()
        Artifact.objects.create(
            district=district,
            submission=again,
            criterion=first.criterion if first else None,
            replaces=first,
            kind=Artifact.Kind.LINK,
            title="Weekly transition timings, weeks 1–6",
            description="The stopwatch log, one row per transition, with the weekly averages.",
            url="https://docs.example.org/prairie-view/weekly-timings",
            status=Artifact.Status.ACCEPTED,
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
            uploaded_by=ivy,
        )
        again = submission_services.submission_resubmit(submission=again, actor=ivy)
        _with_reviewer(_assignments(again, Stage.FINAL), reviewer, chair)
