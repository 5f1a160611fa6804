"""The demo's educator who moved: Marcus Reed earned a micro-credential in Cedar Bluffs, moved
to the demo district (invited by its admin at his personal address, accepted), and earned
another there. His portfolio holds both (each issued by its own district) and his re-licensure
progress counts both (``accounts.management.commands.seed_demo`` runs this after the state's
districts exist)."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.demo import demo_person
from accounts.models import District, User
from accounts.services import license_number_set
from badges.services import award_issue_for_submission
from credentials.models import MicroCredential
from programs.selectors import current_renewal_window
from submissions.models import Attempt, Plan, Submission

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
    # Fresh: the demo district joined its state after its admin was loaded.
    admin = User.objects.select_related("district").get(pk=people["admin"].pk)
    invitation = move_invite(actor=admin, roles=["educator"], email=MOVER_HOME_EMAIL)
    person_move(invitation=invitation, actor=mover)
    mover.refresh_from_db()
    _earned(mover, district, today - dt.timedelta(days=5))
