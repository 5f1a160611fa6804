"""The demo's educator who moved: Marcus Reed earned a micro-credential in Cedar Bluffs, moved
to the demo district (invited by its admin at his personal address, accepted), and earned
another there. His portfolio holds both (each issued by its own district) and his re-licensure
progress counts both. The plan he was carrying out in Cedar Bluffs was closed by the move: he
reads it from Prairie View and may start it again there
(``accounts.management.commands.seed_demo`` runs this after the state's districts exist)."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.demo import demo_person
from accounts.models import District, User
from accounts.services import license_number_set
from badges.services import award_issue_for_submission
from credentials.models import MicroCredential
from programs.selectors import current_renewal_window
from submissions.models import Attempt, Plan, PlanSource, Submission

from .services import move_invite, person_move

MOVER_EMAIL = "marcus.reed@example.org"
MOVER_HOME_EMAIL = "marcus.reed@home.example.net"
FROM_SLUG = "cedar-bluffs"


def _earned(person: User, district: District, decided_on: dt.date) -> Submission:
    """An earned micro-credential of ``district``'s catalog, its award issued by ``district``."""
    credential = (
        MicroCredential.objects.filter(district=district, status=MicroCredential.Status.PUBLISHED)
        .exclude(plans__lead=person)
        .order_by("title")
        .first()
    )
    decided = timezone.make_aware(dt.datetime.combine(decided_on, dt.time(14)))
    plan = Plan.objects.create(
        district=district, microcredential=credential, lead=person, title=credential.title
    )
    submission = Submission.objects.create(
        district=district,
        plan=plan,
        educator=person,
        status=Submission.Status.EARNED,
        attempt_count=1,
        plan_submitted_at=decided - dt.timedelta(days=70),
        plan_decided_at=decided - dt.timedelta(days=63),
        submitted_for_review_at=decided - dt.timedelta(days=10),
        decided_at=decided,
    )
    Attempt.objects.create(
        submission=submission, number=1, outcome=Submission.Status.EARNED, decided_at=decided
    )
    award_issue_for_submission(submission_id=submission.pk)
    return submission


def _in_progress(person: User, district: District) -> Submission:
    """A plan of ``district``'s catalog its educator is carrying out, the plan approved."""
    credential = (
        MicroCredential.objects.filter(district=district, status=MicroCredential.Status.PUBLISHED)
        .exclude(plans__lead=person)
        .order_by("title")
        .first()
    )
    started = timezone.now() - dt.timedelta(days=40)
    plan = Plan.objects.create(
        district=district,
        microcredential=credential,
        lead=person,
        title=f"{credential.title} in my science classes",
        rationale="Students in my eighth-grade science classes rarely explain their reasoning.",
        hypothesis="Structured talk moves will double the number of students who justify a claim.",
        actions="Teach four talk moves; use them in every lab debrief for six weeks.",
        timeline="Six weeks of the spring term.",
        affected="Three eighth-grade science sections, 78 students.",
        impact_measures="Count of students justifying a claim in debriefs, before and after.",
    )
    PlanSource.objects.create(
        plan=plan,
        position=0,
        citation="Michaels, S. & O'Connor, C. (2012). Talk Science Primer. TERC.",
        learned="Talk moves make reasoning visible and invite students to build on it.",
    )
    return Submission.objects.create(
        district=district,
        plan=plan,
        educator=person,
        status=Submission.Status.IN_PROGRESS,
        plan_submitted_at=started,
        plan_decided_at=started + dt.timedelta(days=7),
    )


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    origin = District.objects.filter(slug=FROM_SLUG).first()
    if origin is None or User.objects.filter(email=MOVER_EMAIL).exists():
        return
    today = timezone.localdate()
    window = current_renewal_window(district=district, today=today)
    first_earned = max(window.starts_on, today - dt.timedelta(days=120)) if window else today
    mover = demo_person(
        district=origin,
        email=MOVER_EMAIL,
        first_name="Marcus",
        last_name="Reed",
        is_educator=True,
    )
    EmailAddress.objects.create(user=mover, email=MOVER_HOME_EMAIL, verified=True)
    license_number_set(person=mover, number="KS-0471-2209", actor=mover)
    _earned(mover, origin, first_earned)
    _in_progress(mover, origin)
    # Fresh: the demo district joined its state after its admin was loaded.
    admin = User.objects.select_related("district").get(pk=people["admin"].pk)
    invitation = move_invite(actor=admin, roles=["educator"], email=MOVER_HOME_EMAIL)
    person_move(invitation=invitation, actor=mover)
    mover.refresh_from_db()
    _earned(mover, district, today - dt.timedelta(days=5))
