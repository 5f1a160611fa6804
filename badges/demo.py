"""Demo data: earned plans with their certificates and badges issued, and one revoked award."""

from django.utils import timezone

from accounts.models import District, User
from credentials.models import MicroCredential
from submissions.models import Plan, Submission
from submissions.transitions import submission_move

from . import keys
from .models import Award, Portfolio
from .services import award_issue_for_submission, award_revoke

SubmissionStatus = Submission.Status
# The path of an educator's submission from draft to earned, one move at a time.
PATH_TO_EARNED = [
    SubmissionStatus.PLAN_SUBMITTED,
    SubmissionStatus.PLAN_APPROVED,
    SubmissionStatus.IN_PROGRESS,
    SubmissionStatus.SUBMITTED_FOR_REVIEW,
    SubmissionStatus.EARNED,
]

DEMO_PLANS = [
    (
        "Explicit routines cut transition time in half",
        "Transitions took ten minutes of each lesson; I taught three routines explicitly.",
        "Transition time fell from 9.5 to 4 minutes a lesson over six weeks.",
    ),
    (
        "Exit tickets that change tomorrow's lesson",
        "I used a daily two-question exit ticket and regrouped students the next day.",
        "Unit test proficiency rose from 58% to 74% against last year's class.",
    ),
    (
        "Restorative circles in advisory",
        "Weekly circles in advisory to rebuild relationships after conflicts.",
        "Office referrals from advisory dropped from 14 to 5 in the semester.",
    ),
]


def _earned_submission(
    *, district: District, educator: User, reviewer: User, microcredential, texts
) -> Submission:
    title, actions, results = texts
    plan = Plan.objects.create(
        district=district,
        microcredential=microcredential,
        lead=educator,
        title=title,
        rationale=actions,
        hypothesis="Doing this consistently will improve outcomes for my students.",
        actions=actions,
        setting=Plan.Setting.CLASSROOM,
        timeline="Six weeks in the spring term.",
        affected="One class of 24 students.",
        impact_measures="Before-and-after measures collected weekly.",
    )
    submission = Submission.objects.create(
        district=district,
        plan=plan,
        educator=educator,
        impact_results=results,
        reflection_practice="I now plan routines as carefully as content.",
        reflection_feedback="Colleagues suggested visual cues; they helped.",
        reflection_changes="Next year I will start the routines in the first week.",
    )
    for status in PATH_TO_EARNED:
        actor = (
            reviewer
            if status in (SubmissionStatus.PLAN_APPROVED, SubmissionStatus.EARNED)
            else educator
        )
        submission_move(
            submission_id=submission.pk, to_status=status, actor=actor, action=f"demo.{status}"
        )
    return Submission.objects.get(pk=submission.pk)


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    keys.key_ensure(district)
    educator, reviewer, admin = people["educator"], people["reviewer"], people["admin"]
    earned = list(Submission.objects.filter(district=district, status=SubmissionStatus.EARNED))
    if len(earned) < 3:
        taken = set(
            Plan.objects.filter(submissions__educator=educator).values_list(
                "microcredential_id", flat=True
            )
        )
        catalog = [
            entry
            for entry in MicroCredential.objects.filter(
                district=district, status=MicroCredential.Status.PUBLISHED
            ).order_by("title")
            if entry.pk not in taken
        ]
        if not catalog:
            catalog = [
                MicroCredential.objects.create(
                    district=district,
                    title="Classroom Routines",
                    competency="The educator teaches, models and reinforces routines.",
                    status=MicroCredential.Status.PUBLISHED,
                    published_at=timezone.now(),
                    estimated_hours=15,
                    pd_points=1.5,
                )
            ]
        for microcredential, texts in zip(catalog, DEMO_PLANS[: 3 - len(earned)], strict=False):
            earned.append(
                _earned_submission(
                    district=district,
                    educator=educator,
                    reviewer=reviewer,
                    microcredential=microcredential,
                    texts=texts,
                )
            )
    awards = [award_issue_for_submission(submission_id=s.pk) for s in earned]
    if awards and not Award.objects.filter(district=district, revoked_at__isnull=False).exists():
        award_revoke(
            award=awards[-1],
            reason="Issued in error: the evidence was submitted for a different plan.",
            actor=admin,
        )
    Portfolio.objects.update_or_create(
        educator=educator,
        defaults={"published": True, "headline": "Third-grade teacher, Prairie View Elementary"},
    )
