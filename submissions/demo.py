"""Demo plans: Elena (the demo educator) and colleagues with plans in every status.

Educator moves go through the services, so completeness, attempts and audit hold as in real
use; the panel's moves are made with ``submission_move`` by the demo reviewer.
"""

from accounts.demo import demo_person
from accounts.models import Building, District, User
from credentials.models import MicroCredential

from . import services
from .models import Plan, PlanSource, Submission
from .transitions import submission_move

Status = Submission.Status

COLLEAGUES = [
    ("marcus.lee@example.org", "Marcus", "Lee", "Prairie View Elementary"),
    ("priya.natarajan@example.org", "Priya", "Natarajan", "Prairie View Middle"),
    ("sam.oconnor@example.org", "Sam", "O’Connor", "Prairie View High"),
    ("grace.kim@example.org", "Grace", "Kim", "Prairie View Elementary"),
]

# The colleagues' plans that go on past the work: the evidence demo (``artifacts.demo``, which
# runs next) adds their evidence and takes each to its status here. Submitting for review needs
# accepted evidence, which this app cannot make.
REVIEWED = {
    "priya.natarajan@example.org": Status.SUBMITTED_FOR_REVIEW,
    "sam.oconnor@example.org": Status.NOT_YET,
    "grace.kim@example.org": Status.EARNED,
}

SOURCES = [
    (
        "Wong, H. K., & Wong, R. T. (2018). The First Days of School: How to Be an Effective "
        "Teacher (5th ed.). Harry K. Wong Publications.",
        PlanSource.Kind.BOOK,
        "https://www.effectiveteaching.com/",
        "Routines must be taught, rehearsed and reinforced, not announced; the first weeks set "
        "the pattern for the year.",
    ),
    (
        "Simonsen, B., Fairbanks, S., Briesch, A., Myers, D., & Sugai, G. (2008). Evidence-based "
        "practices in classroom management. Education and Treatment of Children, 31(3), 351–380.",
        PlanSource.Kind.ARTICLE,
        "https://doi.org/10.1353/etc.0.0007",
        "Maximising structure, posting and teaching expectations and actively engaging students "
        "are the practices with the strongest evidence.",
    ),
    (
        "Center on PBIS (2022). Supporting and Responding to Student Behavior: Evidence-Based "
        "Classroom Strategies for Teachers.",
        PlanSource.Kind.REPORT,
        "https://www.pbis.org/resource/supporting-and-responding-to-behavior",
        "Specific praise at a ratio of about five to one and pre-corrections before transitions "
        "reduce disruptions.",
    ),
    (
        "Kansas MTSS and Alignment (2023). Classroom Management Self-Assessment webinar.",
        PlanSource.Kind.VIDEO,
        "https://www.ksdetasn.org/mtss",
        "A short self-assessment before and after helps me see which routines I skip when rushed.",
    ),
]

PLANS = {
    "routines": {
        "title": "Smooth transitions in third grade",
        "rationale": "Transitions between centres take 8–12 minutes in my class, about 40 "
        "minutes of instruction lost each day. Several students become anxious when "
        "expectations are unclear.",
        "hypothesis": "If I explicitly teach, model and rehearse three transition routines, "
        "average transition time will fall under four minutes within six weeks.",
        "personal_goal": "Protect instructional time and end the day less exhausted.",
        "building_goal": "Prairie View Elementary’s goal: reduce classroom office referrals "
        "by 20% this year.",
        "district_goal_notes": "",
        "actions": "Week 1: co-write expectations with students. Weeks 1–2: teach and rehearse "
        "the centre rotation, line-up and materials routines. Weeks 3–6: pre-correct before "
        "each transition, give specific praise, reteach when a routine slips.",
        "setting": Plan.Setting.CLASSROOM,
        "timeline": "Six weeks, from February 2 to March 13, with a check-in at week three.",
        "affected": "My 24 third-grade students, including 5 students with IEPs.",
        "impact_measures": "Stopwatch timing of every transition for one baseline week and the "
        "last two weeks; weekly tally of redirections; a short student survey before and after.",
    },
    "questioning": {
        "title": "Higher-order questioning in 7th-grade science",
        "rationale": "Most of my questions are recall questions; few students explain their "
        "reasoning in discussion.",
        "hypothesis": "Planning two higher-order questions per lesson and using wait time will "
        "double the share of student answers that include reasoning.",
        "personal_goal": "Lead discussions where students do most of the thinking.",
        "building_goal": "Prairie View Middle: every student writes and speaks about evidence "
        "weekly.",
        "district_goal_notes": "",
        "actions": "Plan questions with a question stem bank; use three seconds of wait time; "
        "record one lesson a week and code the questions asked.",
        "setting": Plan.Setting.CLASSROOM,
        "timeline": "One grading period (nine weeks).",
        "affected": "Two sections of 7th-grade science, 52 students.",
        "impact_measures": "Coding of recorded lessons (question level, wait time, answers "
        "with reasoning) in weeks 1, 5 and 9; exit tickets scored with a reasoning rubric.",
    },
    "feedback": {
        "title": "Feedback that moves writing forward",
        "rationale": "Students rarely use my written comments; revision is mostly copy-editing.",
        "hypothesis": "Short conferences with one actionable next step will increase the "
        "number of substantive revisions.",
        "personal_goal": "Spend my feedback time where it changes student work.",
        "building_goal": "Prairie View High: raise the share of students meeting the writing "
        "standard on the district assessment.",
        "district_goal_notes": "Ties to the district’s literacy goal across content areas.",
        "actions": "Two-minute writing conferences twice a week; students log their next step "
        "and show the revision.",
        "setting": Plan.Setting.CLASSROOM,
        "timeline": "Eight weeks in the spring semester.",
        "affected": "Two English 10 sections, 58 students.",
        "impact_measures": "Count of substantive revisions per draft, before and after; rubric "
        "scores on two essays; student survey on usefulness of feedback.",
    },
}

FALLBACK_TITLES = [
    "Classroom routines and procedures",
    "Higher-order questioning",
    "Feedback for learning",
    "Restorative classroom circles",
    "Data-driven small groups",
]

RESULTS = {
    "impact_results": "Average transition time fell from 9.5 minutes in the baseline week to "
    "3.8 minutes in weeks five and six. Redirections dropped from 31 to 12 a week. In the "
    "survey, 19 of 24 students said they knew what to do during centre changes (11 before).",
    "reflection_practice": "Rehearsal mattered more than I expected: routines I only explained "
    "fell apart by Wednesday, while rehearsed ones held. Pre-corrections are now a habit.",
    "reflection_feedback": "Students asked to keep the timer; two paraprofessionals said "
    "mornings were calmer. One student asked for a picture card of the routine.",
    "reflection_changes": "Next year I will teach the routines in the first two weeks and add "
    "visual cards for students who need them.",
    "share_notes": "Shared the routine cards and data at the March grade-level PLC.",
}


def _colleague(district: District, buildings: dict[str, Building], row: tuple) -> User:
    email, first, last, building = row
    return demo_person(
        district=district,
        email=email,
        first_name=first,
        last_name=last,
        building=buildings.get(building),
        is_educator=True,
    )


def _write_plan(submission: Submission, key: str, *, sources: int = 3, complete: bool = True):
    plan = submission.plan
    text = dict(PLANS[key])
    if not complete:
        for name in ("actions", "timeline", "affected", "impact_measures"):
            text[name] = ""
    goals = list(plan.district.goals.filter(active=True)[:2])
    services.plan_text_save(
        submission=submission,
        values=text,
        district_goals=goals,
        sources=[
            {"citation": c, "kind": k, "url": u, "learned": learned}
            for c, k, u, learned in SOURCES[:sources]
        ],
        version=plan.version,
        actor=submission.educator,
    )


def _panel(submission: Submission, to_status: str, reviewer: User) -> Submission:
    return submission_move(
        submission_id=submission.pk, to_status=to_status, actor=reviewer, action="demo.panel"
    )


def _finish_work(submission: Submission) -> None:
    """Write results and reflection (the evidence is the evidence demo's, ``REVIEWED``)."""
    submission.refresh_from_db()
    services.submission_results_save(
        submission=submission, values=RESULTS, version=submission.version, actor=submission.educator
    )


def _start(entry: MicroCredential, educator: User) -> Submission:
    submission, _ = services.plan_start(microcredential=entry, actor=educator)
    return submission


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    catalog = list(
        MicroCredential.objects.filter(
            district=district, status=MicroCredential.Status.PUBLISHED
        ).order_by("title")
    )
    if len(catalog) < 5:
        # Without the catalog's demo, a few plain entries keep Elena's plans distinct.
        catalog += [
            MicroCredential.objects.create(
                district=district,
                title=title,
                competency=f"The educator plans and applies {title.lower()} in their setting.",
                status=MicroCredential.Status.PUBLISHED,
                estimated_hours=15,
                pd_points=1,
            )
            for title in FALLBACK_TITLES[: 5 - len(catalog)]
        ]

    def entry(index: int) -> MicroCredential:
        return catalog[index % len(catalog)]

    elena, reviewer = people["educator"], people["reviewer"]
    marcus, priya, sam, grace = (_colleague(district, buildings, row) for row in COLLEAGUES)

    # Elena: a draft still missing Implementation and Impact, with one source.
    draft = _start(entry(0), elena)
    _write_plan(draft, "routines", sources=1, complete=False)

    # Elena leads a group plan with Marcus, both submitted for pre-approval.
    group = _start(entry(1), elena)
    _write_plan(group, "questioning")
    marcus_sub = services.plan_member_add(submission=group, colleague=marcus, actor=elena)
    services.submission_submit_plan(submission=group, actor=elena)
    services.submission_submit_plan(submission=marcus_sub, actor=marcus)

    # Elena: submitted, then the panel asks for changes with its reasons and comments (the
    # panel's demo decides it, through the review services, so the plan page shows them).
    changes = _start(entry(2), elena)
    _write_plan(changes, "feedback")
    services.submission_submit_plan(submission=changes, actor=elena)

    # Elena: approved, ready to start; and one in progress with results under way.
    approved = _start(entry(3), elena)
    _write_plan(approved, "routines", sources=4)
    services.submission_submit_plan(submission=approved, actor=elena)
    _panel(approved, Status.PLAN_APPROVED, reviewer)

    in_progress = _start(entry(4), elena)
    _write_plan(in_progress, "questioning")
    services.submission_submit_plan(submission=in_progress, actor=elena)
    _panel(in_progress, Status.PLAN_APPROVED, reviewer)
    services.submission_start_work(submission=in_progress, actor=elena)

    # Colleagues: the work done and written up (then, with their evidence, submitted for review,
    # not yet and earned: see REVIEWED), declined, withdrawn.
    for educator in (priya, sam, grace):
        submission = _start(entry(0), educator)
        _write_plan(submission, "routines", sources=3)
        services.submission_submit_plan(submission=submission, actor=educator)
        _panel(submission, Status.PLAN_APPROVED, reviewer)
        services.submission_start_work(submission=submission, actor=educator)
        _finish_work(submission)

    declined = _start(entry(1), sam)
    _write_plan(declined, "feedback")
    services.submission_submit_plan(submission=declined, actor=sam)
    _panel(declined, Status.DECLINED, reviewer)

    withdrawn = _start(entry(2), priya)
    _write_plan(withdrawn, "questioning", complete=False)
    services.submission_withdraw(submission=withdrawn, actor=priya)
