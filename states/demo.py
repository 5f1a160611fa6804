"""The demo's state: the demo district and two small ones in one state, and its admin's login
(``accounts.management.commands.seed_demo`` runs this last).

The two small districts are made by the generator the benchmarks use (``reports.scale``): a
catalog, the program rules, educators and plans at every stage with their awards, so the state
page compares three districts with figures of their own."""

from accounts.demo import DEMO_PASSWORD
from accounts.models import District, State, User
from accounts.services import user_create
from reports.scale import seed_scale

STATE_SLUG = "sunflower"
STATE_ADMIN_EMAIL = "state@example.org"
# (slug, name, educators, plans, seed)
SMALL_DISTRICTS = [
    ("cedar-bluffs", "Cedar Bluffs USD 451", 14, 45, 451),
    ("flint-hills", "Flint Hills USD 492", 9, 30, 492),
]


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    state, _ = State.objects.get_or_create(
        slug=STATE_SLUG,
        defaults={"name": "Sunflower State Department of Education", "kind": State.Kind.STATE},
    )
    District.objects.filter(pk=district.pk).update(state=state)
    for slug, name, educators, plans, seed in SMALL_DISTRICTS:
        if not District.objects.filter(slug=slug).exists():
            small, _ = seed_scale(slug=slug, name=name, educators=educators, plans=plans, seed=seed)
            District.objects.filter(pk=small.pk).update(state=state)
    if not User.objects.filter(email=STATE_ADMIN_EMAIL).exists():
        user_create(
            state=state,
            is_state_admin=True,
            email=STATE_ADMIN_EMAIL,
            first_name="Sylvia",
            last_name="Stone",
            password=DEMO_PASSWORD,
            email_verified=True,
        )
