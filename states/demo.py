"""The demo's state: the demo district and two small ones in one state, and its admin's login
(``accounts.management.commands.seed_demo`` runs this last).

The two small districts are made by the generator the benchmarks use (``reports.scale``): a
catalog, the program rules, educators and plans at every stage; each earned plan's award is
issued (certificate and badge) as the demo district's are, so the state page compares three
districts with figures of their own and every award it lists is verifiable. The state office
endorses one of the demo district's published entries as meeting its re-licensure rule: badges of
it earned from then on carry the endorsement."""

from accounts.demo import DEMO_PASSWORD
from accounts.models import District, State, User
from accounts.services import user_create
from badges.models import Endorsement
from badges.services import award_issue_for_submission, endorsement_give
from credentials.models import MicroCredential
from reports.scale import seed_scale
from submissions.models import Submission

STATE_SLUG = "sunflower"
STATE_ADMIN_EMAIL = "state@example.org"
# (slug, name, educators, plans, seed)
SMALL_DISTRICTS = [
    ("cedar-bluffs", "Cedar Bluffs USD 451", 12, 30, 451),
    ("flint-hills", "Flint Hills USD 492", 8, 20, 492),
]


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    state, _ = State.objects.get_or_create(
        slug=STATE_SLUG,
        defaults={"name": "Sunflower State Department of Education", "kind": State.Kind.STATE},
    )
    District.objects.filter(pk=district.pk).update(state=state)
    for slug, name, educators, plans, seed in SMALL_DISTRICTS:
        if not District.objects.filter(slug=slug).exists():
            small, _ = seed_scale(
                slug=slug,
                name=name,
                educators=educators,
                plans=plans,
                seed=seed,
                award_records=False,
            )
            District.objects.filter(pk=small.pk).update(state=state)
            # Each earned plan holds its award, certificate and badge, verifiable as any.
            earned = Submission.objects.filter(
                district=small, status=Submission.Status.EARNED
            ).order_by("pk")
            for submission in earned:
                award_issue_for_submission(submission_id=submission.pk)
    state_admin = User.objects.filter(email=STATE_ADMIN_EMAIL).first()
    if state_admin is None:
        state_admin = user_create(
            state=state,
            is_state_admin=True,
            email=STATE_ADMIN_EMAIL,
            first_name="Sylvia",
            last_name="Stone",
            password=DEMO_PASSWORD,
            email_verified=True,
        )
    if not Endorsement.objects.filter(endorser_state=state).exists():
        entry = (
            MicroCredential.objects.filter(
                district=district, status=MicroCredential.Status.PUBLISHED
            )
            .order_by("title", "pk")
            .first()
        )
        if entry is not None:
            endorsement_give(
                microcredential=entry,
                comment="Meets the Sunflower State's re-licensure rule for professional "
                "learning: its hours count toward renewal of a teaching license.",
                actor=state_admin,
            )
