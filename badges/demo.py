"""Demo data: the demo educator's micro-credential earned through the panel, every earned plan's
certificate and badge issued, and one colleague's award revoked.

Elena earns one micro-credential here and no more: the catalog keeps entries she has not started,
so a newcomer signed in as her can start a plan and take it through the whole journey."""

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

ELENA_PLAN = (
    "Explicit routines cut transition time in half",
    "Transitions took ten minutes of each lesson; I taught three routines explicitly.",
    "Transition time fell from 9.5 to 4 minutes a lesson over six weeks.",
)


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


def _entry_not_started(district: District, educator: User) -> MicroCredential:
    taken = Plan.objects.filter(submissions__educator=educator).values_list(
        "microcredential_id", flat=True
    )
    entry = (
        MicroCredential.objects.filter(district=district, status=MicroCredential.Status.PUBLISHED)
        .exclude(pk__in=taken)
        .order_by("title")
        .first()
    )
    return entry or MicroCredential.objects.create(
        district=district,
        title="Classroom Routines",
        competency="The educator teaches, models and reinforces routines.",
        status=MicroCredential.Status.PUBLISHED,
        published_at=timezone.now(),
        estimated_hours=15,
        pd_points=1.5,
    )


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    keys.key_ensure(district)
    educator, reviewer, admin = people["educator"], people["reviewer"], people["admin"]
    if not Submission.objects.filter(educator=educator, status=SubmissionStatus.EARNED).exists():
        _earned_submission(
            district=district,
            educator=educator,
            reviewer=reviewer,
            microcredential=_entry_not_started(district, educator),
            texts=ELENA_PLAN,
        )
    earned = Submission.objects.filter(district=district, status=SubmissionStatus.EARNED)
    awards = [award_issue_for_submission(submission_id=s.pk) for s in earned.order_by("pk")]
    colleagues = [award for award in awards if award.educator_id != educator.pk]
    revoked = Award.objects.filter(district=district, revoked_at__isnull=False)
    if colleagues and not revoked.exists():
        award_revoke(
            award=colleagues[-1],
            reason="Issued in error: the evidence was submitted for a different plan.",
            actor=admin,
        )
    Portfolio.objects.update_or_create(
        educator=educator,
        defaults={"published": True, "headline": "Third-grade teacher, Prairie View Elementary"},
    )
